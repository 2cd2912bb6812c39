package web

// The Chinese texts the web layer shows users, in one place.
const (
	MsgNotFound      = "未找到该事项或资源"
	MsgConflict      = "内容已被他人修改，请刷新后重试"
	MsgForbidden     = "无权进行此操作"
	MsgInvalid       = "办事指南内容不符合要求"
	MsgInternal      = "服务器内部错误，请稍后重试"
	MsgUnknownRegion = "行政区划代码不存在"
	MsgUnhealthy     = "服务暂不可用"
	MsgNoRoute       = "请求的地址不存在"
)
