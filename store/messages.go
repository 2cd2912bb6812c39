package store

// The Chinese texts of the store: what the import, the edit workflow and
// account management tell a user. Format verbs are documented per string.
// The domain's own messages (validation, quality, labels) are in package
// catalog.

// MsgDatabaseURL: --db (ZHINAN_DB) names no database zhinan can open; %q
// is what was given.
const MsgDatabaseURL = "数据库地址 %q 无法识别：应为 postgres://用户:密码@主机:端口/数据库 形式，不指定则使用数据目录中的 SQLite"

// Import messages.
const (
	// MsgDuplicateCode: an item code given twice in one import; the code,
	// then the file and line of its first record.
	MsgDuplicateCode = "实施编码 %s 重复：%s 第%d行已有同一编码"
)

// Edit workflow messages.
const (
	// MsgCodeMismatch: a saved draft names another item code than the item
	// being edited; %s is the code of the item being edited.
	MsgCodeMismatch = "与正在编辑的事项实施编码 %s 不一致，实施编码不能修改"
	// MsgUnknownDepartment: no department of that name in the region; the
	// department's name, then the region code.
	MsgUnknownDepartment = "行政区划 %[2]s 下没有实施主体“%[1]s”"
)

// clipEllipsis marks a change-log text ClipChangeLogText cut.
const clipEllipsis = "…"

// Account messages.
const (
	// MsgUserName: a user name of other characters or length.
	MsgUserName = "用户名应为2到32个字母、数字、汉字或 _ . -"
	// MsgPasswordShort: %d is the least number of characters.
	MsgPasswordShort = "密码至少 %d 个字符"
	// MsgPasswordLong: %d is the most bytes.
	MsgPasswordLong = "密码不能超过 %d 字节"
	// MsgSessionsEnded: the change-log detail of a password change, an
	// account disabled or sessions revoked; %d is how many sessions ended.
	MsgSessionsEnded = "结束会话 %d 个"
	// MsgImportDetail: the change-log detail of an import: items created,
	// updated, unchanged, rejected; regions, departments and entries
	// changed; then the import's note.
	MsgImportDetail = "新增 %d 项，更新 %d 项，未变 %d 项，拒绝 %d 条；区划 %d 条、部门 %d 个、基本目录 %d 条有变化。%s"
	// MsgEditorDepartment: an editor account without department and
	// region.
	MsgEditorDepartment = "编辑账号必须指定所属部门和行政区划"
)

// System token messages (store/tokens.go).
const (
	// MsgTokenExpiresPast: a token's expiry is not in the future.
	MsgTokenExpiresPast = "有效期必须晚于现在"
	// MsgTokenExpiresFormat: an expiry that is neither days nor a day; %d
	// is the most days (MaxTokenDays).
	MsgTokenExpiresFormat = "有效期应为天数（如 90d，最多 %d 天）或日期（如 2027-06-30），不填则长期有效"
	// MsgTooManyTokens: %d is the most tokens kept (MaxTokens).
	MsgTooManyTokens = "令牌已达上限 %d 个"
	// MsgTokenExpiresDetail: the change-log detail's expiry; %s is the day.
	MsgTokenExpiresDetail = "有效期至 %s"
	// MsgByCommandLine: a token administered from the command line.
	MsgByCommandLine = "由命令行操作"
	// MsgByAdmin: a token administered on the admin page; %s is the admin.
	MsgByAdmin = "由 %s 在网页操作"
	// MsgTokenReads: the change-log detail of a window of a token's reads:
	// how many, the window's start (day and time) and end (time).
	MsgTokenReads = "读取 %d 次（%s 至 %s）"
	// MsgMoreAddresses: %d more client addresses than those listed.
	MsgMoreAddresses = " 等另 %d 个地址"
)

// Copy messages (zhinan migrate-store: Store.CopyTo). Each error names what
// went wrong, then, after a colon, the detail.
const (
	// MsgCopyNotEmpty: the destination already holds data.
	MsgCopyNotEmpty = "目标库已有数据，未复制任何内容"
	// MsgCopyFullTables: the detail of MsgCopyNotEmpty; %s lists the
	// tables that hold rows.
	MsgCopyFullTables = "表 %s 中已有记录，请使用新建的空数据库"
	// MsgCopySchema: the two stores' schemas differ.
	MsgCopySchema = "两个库的结构不一致，未复制任何内容"
	// MsgCopyVersions: the detail of MsgCopySchema; the source's, then the
	// destination's schema version.
	MsgCopyVersions = "源库结构版本为 %d，目标库为 %d，请用同一版本的 zhinan 打开两个库"
	// MsgCopyTables: the detail of MsgCopySchema; the source's, then the
	// destination's tables.
	MsgCopyTables = "源库的表为 %s，目标库的表为 %s"
	// MsgCopyColumns: the detail of MsgCopySchema; the table, then the
	// source's and the destination's columns.
	MsgCopyColumns = "表 %s 的列不同：源库为 %s，目标库为 %s"
	// MsgCopyDiffers: the copy was committed but reads back different;
	// the tables that differ follow.
	MsgCopyDiffers = "复制已提交，但目标库读回的数据与源库不一致"
)

// Bundle messages (一件事一次办).
const (
	// MsgBundleCodeMismatch: a saved bundle names another code than the
	// bundle being edited; %s is the code of the bundle being edited.
	MsgBundleCodeMismatch = "与正在编辑的一件事编码 %s 不一致，编码不能修改"
	// MsgDuplicateBundle: a bundle code given twice in one import; the
	// code, then the file and line of its first record.
	MsgDuplicateBundle = "一件事编码 %s 重复：%s 第%d行已有同一编码"
	// MsgImportBundlesDetail: the change-log detail of an import that
	// added or changed bundles, after MsgImportDetail's counts; %d is how
	// many.
	MsgImportBundlesDetail = "一件事 %d 项有变化。"
)

// Feedback messages (好差评, 指南有误, 办不成事).
const (
	// MsgFeedbackFull: the day's bound on anonymous feedback is reached
	// (MaxFeedbackPerDay).
	MsgFeedbackFull = "今日收到的评价和反馈已达上限，请明天再提交，或拨打12345热线"
)
