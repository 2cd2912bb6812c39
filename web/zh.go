package web

// The Chinese texts the web layer shows users, in one place: API error
// messages as constants, page texts in labels (templates call {{t "key"}}).
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

// labels are the page texts.
var labels = map[string]string{
	"site.name":           "安康市政务服务事项目录与办事指南",
	"site.short":          "安康政务服务指南",
	"site.tagline":        "查事项、看指南、知道带什么、去哪办、多久办结",
	"nav.skip":            "跳到主要内容",
	"nav.home":            "首页",
	"nav.main":            "主导航",
	"nav.account":         "账号",
	"nav.login":           "部门登录",
	"nav.logout":          "退出",
	"nav.workbench":       "工作台",
	"login.title":         "部门工作人员登录",
	"login.username":      "用户名",
	"login.password":      "密码",
	"login.submit":        "登录",
	"login.note":          "本页面供各实施部门编辑、审核人员和督查人员使用。",
	"search.label":        "搜索办事事项",
	"search.placeholder":  "输入要办的事，如：公积金提取、身份证、开饭店、gjj",
	"search.submit":       "搜索",
	"search.results":      "搜索结果",
	"search.total":        "共找到 %d 个事项",
	"search.took":         "用时 %.1f 毫秒",
	"search.none":         "没有找到与“%s”相关的事项",
	"search.none.tips":    "请检查错别字，或换一种说法，例如“办身份证”“公积金提取”“开饭店”。",
	"search.didyoumean":   "您是不是要找：",
	"search.hot":          "大家都在办",
	"search.scope":        "仅显示%s的事项",
	"search.scope.clear":  "查看全部地区",
	"search.filters":      "筛选",
	"search.more":         "更多",
	"search.clear":        "清除全部筛选",
	"search.remove":       "取消",
	"search.region.note":  "已按搜索词中的地区“%s”优先排序",
	"search.browse":       "全部事项",
	"page.prev":           "上一页",
	"page.next":           "下一页",
	"page.nav":            "分页",
	"page.current":        "第 %d 页",
	"home.counts":         "全市事项分类统计",
	"home.items":          "项",
	"home.personal":       "个人办事",
	"home.business":       "法人办事",
	"home.departments":    "按部门查找",
	"home.regions":        "按地区查找",
	"home.hot":            "热门事项",
	"region.choose":       "选择地区",
	"region.all":          "全部地区",
	"region.set":          "确定",
	"region.current":      "当前地区：%s",
	"item.basic":          "基本信息",
	"item.type":           "事项类型",
	"item.department":     "实施主体",
	"item.region":         "行政区划",
	"item.level":          "行使层级",
	"item.scope":          "通办范围",
	"item.handling":       "办件类型",
	"item.visits":         "到现场次数",
	"item.visits.n":       "%d 次",
	"item.depth":          "网办深度",
	"item.audience":       "服务对象",
	"item.themes":         "主题分类",
	"item.code":           "实施编码",
	"item.basecode":       "基本编码",
	"item.conditions":     "受理条件",
	"item.materials":      "申请材料",
	"item.mat.name":       "材料名称",
	"item.mat.required":   "是否必要",
	"item.mat.form":       "材料形式",
	"item.mat.copies":     "份数",
	"item.mat.source":     "来源渠道",
	"item.mat.notes":      "填报说明",
	"item.mat.check":      "已备齐",
	"item.steps":          "办理流程",
	"item.step.days":      "%d 个工作日",
	"item.step.now":       "当场办理",
	"item.time":           "办理时限",
	"item.legal":          "法定办结时限",
	"item.promised":       "承诺办结时限",
	"item.days":           "%d 个工作日",
	"item.ondemand":       "即时办结",
	"item.fee":            "收费标准",
	"item.fee.none":       "不收费",
	"item.fee.name":       "收费项目",
	"item.fee.standard":   "收费标准",
	"item.fee.basis":      "收费依据",
	"item.basis":          "设定依据",
	"item.where":          "办理地点和时间",
	"item.location":       "办理地点",
	"item.hours":          "办理时间",
	"item.contact":        "咨询和监督投诉",
	"item.consult":        "咨询电话",
	"item.complaint":      "监督投诉电话",
	"item.result":         "办理结果",
	"item.result.sample":  "结果样本",
	"item.faq":            "常见问题",
	"item.online":         "在线办理",
	"item.online.go":      "去网上办理",
	"item.siblings":       "其他地区的同一事项",
	"item.updated":        "更新于 %s · 第 %d 版",
	"item.print":          "打印办事指南",
	"item.brief":          "窗口简版",
	"item.full":           "查看完整指南",
	"item.toc":            "本页目录",
	"item.notgiven":       "未填写",
	"item.yes":            "是",
	"item.no":             "否",
	"item.visitreason":    "必须到现场的原因",
	"item.express":        "支持快递送达",
	"item.appointment":    "支持预约办理",
	"item.payment":        "支持网上支付",
	"browse.department":   "%s 的事项",
	"browse.theme":        "主题：%s",
	"browse.region":       "%s 的事项",
	"error.title":         "出错了",
	"error.notfound":      "没有找到这个页面或事项",
	"error.notfound.tip":  "事项可能已调整或编码有误，请用下面的搜索框查找。",
	"error.internal":      "服务器出了点问题，请稍后再试",
	"footer.note":         "本目录由各实施部门维护，经审核后发布。",
	"audit.title":         "事项覆盖率与考核统计",
	"audit.region":        "统计范围",
	"audit.asof":          "统计日期",
	"audit.asof.hint":     "留空为当前",
	"audit.show":          "统计",
	"audit.byregion":      "按行政区划",
	"audit.bydept":        "按实施主体",
	"audit.below":         "未达目标",
	"audit.below.none":    "所有分组均已达到目标。",
	"audit.downloads":     "下载",
	"audit.download.json": "JSON（与开放接口相同）",
	"audit.target":        "目标",
	"audit.table":         "数据表",
	"audit.name":          "名称",
	"audit.items":         "事项数",
	"audit.onapp":         "依申请",
	"audit.rate":          "比例",
	"audit.goal":          "目标值",
	"audit.note":          "各比例的分母均为依申请事项数；没有依申请事项的分组不计比例。",
	"footer.api":          "开放接口",
}

// Account and request messages.
const (
	MsgLoginRequired  = "请先登录"
	MsgBadCredentials = "用户名或密码错误"
	MsgTooManyLogins  = "登录失败次数过多，请稍后再试"
	MsgCrossSite      = "拒绝来自其他网站的请求"
	MsgBadJSON        = "请求内容不是有效的 JSON"
	MsgTooLarge       = "请求内容过大"
)

// Editing messages.
const (
	MsgIfMatch     = "请在 If-Match 中给出所依据的版本号"
	MsgDiffRange   = "请用 from 和 to 给出两个版本号"
	MsgSinceFormat = "since 应为日期（2021-06-30）或 RFC 3339 时间"
)

// Report messages.
const (
	MsgAsOf        = "as_of 应为日期，如 2021-06-30"
	MsgAsOfFuture  = "as_of 不能晚于今天"
	MsgBadGrouping = "by 应为 region、department 或 type"
)
