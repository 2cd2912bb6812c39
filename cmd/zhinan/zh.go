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
)

// msgReindexed reports a finished reindex.
const msgReindexed = "已重建搜索索引：%d 项，用时 %.1f 秒。\n"

// Account messages.
const (
	msgUserAdded  = "已创建账号 %s（%s）。\n"
	msgUserExists = "账号 %s 已存在"
	msgDemoHeader = "演示账号（仅供本机试用，切勿用于生产）："
	msgDemoUser   = "  %-10s %-8s 密码 %s  %s\n"
)
