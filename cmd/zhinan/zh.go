package main

// The Chinese texts the command line shows users, in one place.
const (
	noteSeeds      = "内置种子目录"
	noteImport     = "导入：%s"
	msgSummary     = "%s新增 %d 项，更新 %d 项，未变 %d 项，拒绝 %d 条记录；区划 %d 条、部门 %d 个、基本目录 %d 条有变化。\n"
	msgDryRun      = "（试运行，未写入）"
	msgNewDept     = "新建实施主体：%s（%s）\n"
	msgProblems    = "发现 %d 个问题：\n"
	msgNothingDone = "存在无效记录，未导入任何数据（可用 --skip-invalid 只导入有效记录）。"
	msgExported    = "已导出 %d 项。\n"
	// msgExportedChanges: export --since wrote %d changes; the next
	// export starts after %d.
	msgExportedChanges = "已导出 %d 条变更；下次从 --since %d 继续。\n"
)

// msgReindexed reports a finished reindex.
const msgReindexed = "已重建搜索索引：%d 项，用时 %.1f 秒。\n"

// Account messages.
const (
	msgUserAdded  = "已创建账号 %s（%s）。\n"
	msgUserExists = "账号 %s 已存在"
	msgDemoHeader = "演示账号（仅供本机试用，切勿用于生产）："
	msgDemoUser   = "  %-10s %-8s 密码 %s  %s\n"

	msgUserUnknown       = "账号 %s 不存在"
	msgPasswordChanged   = "已修改账号 %s 的密码，结束其会话 %d 个。\n"
	msgUserDisabled      = "已停用账号 %s，结束其会话 %d 个；该账号不能再登录。\n"
	msgUserEnabled       = "已启用账号 %s。\n"
	msgUserIsDisabled    = "账号 %s 已停用。\n"
	msgSessionsRevoked   = "已结束账号 %s 的全部会话，共 %d 个。\n"
	msgNoSessions        = "账号 %s 没有有效会话。\n"
	msgSessionsHeader    = "账号 %s 的有效会话 %d 个（编号  类型  开始  到期）：\n"
	msgSessionLine       = "  %s  %s  %s  %s\n"
	msgSessionKindCookie = "网页"
	msgSessionKindToken  = "令牌"
)

// System token messages (zhinan token).
const (
	// msgTokenAdded: the name, the role, the expiry; the secret follows
	// on a line of its own.
	msgTokenAdded    = "已创建系统令牌 %s（%s，有效期至 %s）。令牌只显示这一次，请立即妥善保存：\n"
	msgTokenNoExpiry = "长期"
	msgTokenExists   = "系统令牌 %s 已存在"
	// msgTokenWasRevoked: revoking a token revoked before.
	msgTokenWasRevoked = "系统令牌 %s 早已吊销"
	msgTokenUnknown    = "系统令牌 %s 不存在"
	msgTokenRevoked    = "已吊销系统令牌 %s，使用它的请求将被拒绝。\n"
	msgNoTokens        = "没有系统令牌。"
	msgTokensHeader    = "系统令牌 %d 个（名称  角色  范围  创建  有效期至  最近使用  状态）：\n"
	msgTokenLine       = "  %s  %s  %s  %s  %s  %s  %s\n"
	msgTokenUnused     = "未使用"
	msgTokenActive     = "有效"
	msgTokenExpired    = "已过期"
	// msgTokenRevokedState is the state of a revoked token; its time follows.
	msgTokenRevokedState = "已吊销"
)

// Report messages (zhinan report).
const (
	msgReportKind    = "请指明报告：coverage（覆盖率）、conformance（三级四同）、quality（指南质量）或 feedback（好差评与办不成事）"
	msgReportUnknown = "未知的报告 %q：应为 coverage、conformance、quality 或 feedback"
	msgReportArgs    = "多余的参数：%s"
	msgReportFormat  = "未知的输出格式 %q：应为 table、csv、xlsx 或 json"
	msgReportBy      = "未知的分组方式 %q：--by 应为 region（地区）、department（部门）或 type（事项类型）"
	msgReportRegion  = "行政区划代码 %q 不存在"
	msgReportDept    = "实施部门 %q 不存在"
	msgReportAsOf    = "日期 %q 格式不对：--as-of 应为 YYYY-MM-DD，如 2021-06-30"
	msgReportFuture  = "日期 %s 晚于今天：--as-of 不能是将来的日期"
	// msgReportFeedbackBy: --by of report feedback is unknown.
	msgReportFeedbackBy = "未知的分组方式 %q：--by 应为 department（部门）、item（事项）或 region（地区）"
	// msgReportDay: a malformed --from or --to (the flag, the value).
	msgReportDay = "日期 %[2]q 格式不对：--%[1]s 应为 YYYY-MM-DD，如 2026-03-01"
	// msgReportRange: --from is after --to.
	msgReportRange   = "--from %s 晚于 --to %s"
	msgReportWritten = "报告已写入 %s。\n"
)
