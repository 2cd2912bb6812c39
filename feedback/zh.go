package feedback

// The Chinese texts of feedback: the vocabularies' labels and the
// validation messages.

// levelLabels are the five levels of a rating, best first (Level 5 … 1).
var levelLabels = [...]string{5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

// reasonLabels name the reasons a citizen may give with a rating.
var reasonLabels = map[Reason]string{
	ReasonGuideWrong:      "指南不准确",
	ReasonMaterialsDiffer: "材料要求与窗口不一致",
	ReasonManyVisits:      "跑了多次",
	ReasonOnlineFailed:    "网上办不了",
	ReasonOverTime:        "超过承诺时限",
	ReasonAttitude:        "服务态度不好",
	ReasonOther:           "其他",
}

// failLabels name the three kinds of 办不成事, as the hall's window records
// them.
var failLabels = map[FailKind]string{
	FailWhere:  "不知道找哪办",
	FailHow:    "不知道怎么办",
	FailWindow: "到窗口办不成",
}

// kindLabels name the tickets' kinds.
var kindLabels = map[Kind]string{
	KindRating: "差评",
	KindError:  "指南有误",
	KindFail:   "办不成事",
}

// stateLabels name the tickets' states.
var stateLabels = map[State]string{
	StateOpen:     "待处理",
	StateWorking:  "处理中",
	StateFixed:    "已整改",
	StateDeclined: "不予整改",
	StateVisited:  "已回访",
}

// Validation messages.
const (
	// MsgLevel: a rating level outside 1–5.
	MsgLevel = "请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）"
	// MsgReason: %s is the reason given.
	MsgReason = "没有“%s”这个评价原因"
	// MsgReasonTwice: %s is the reason's label.
	MsgReasonTwice = "“%s”选了两次"
	// MsgTarget: the rated or reported thing is missing or malformed.
	MsgTarget = "缺少所评价的事项或一件事"
	// MsgSection: %s is the section given.
	MsgSection = "办事指南没有“%s”这一部分"
	// MsgFailKind: the kind of 办不成事 is missing or unknown.
	MsgFailKind = "请选择办不成的原因：不知道找哪办、不知道怎么办或到窗口办不成"
	// MsgPhone: a phone number that does not read as one.
	MsgPhone = "请填写电话号码（数字，可含区号和“-”，5至20位）"
	// MsgContactLine: a contact that is not one line.
	MsgContactLine = "联系方式应为一行"
	// MsgTransition: %s and %s are the states' labels.
	MsgTransition = "不能从“%s”改为“%s”"
	// MsgDeclineReason: declining needs a reason.
	MsgDeclineReason = "不予整改须说明理由"
	// MsgFixEdition: %d is the edition given.
	MsgFixEdition = "整改的指南版本应为正整数，不能是%d"
	// MsgFixUnpublished: %d is the edition given, which is not an edition
	// of the ticket's item published after the ticket was filed.
	MsgFixUnpublished = "第%d版不是该事项在收到反馈之后发布的版本，请填写整改后发布的版本号"
)
