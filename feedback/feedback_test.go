package feedback

import (
	"errors"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
)

// fields lists the fields a validation error names, or nil for no error.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *catalog.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("%v: not a *catalog.ValidationError", err)
	}
	var out []string
	for _, fe := range ve.Errors {
		out = append(out, fe.Field+": "+fe.Message)
	}
	return out
}

func TestLevels(t *testing.T) {
	var satisfied, bad []string
	for _, l := range Levels {
		if l.Satisfied() {
			satisfied = append(satisfied, l.Label())
		}
		if l.Bad() {
			bad = append(bad, l.Label())
		}
	}
	if got := strings.Join(satisfied, " "); got != "非常满意 满意 基本满意" {
		t.Errorf("satisfied levels %q, want the top three", got)
	}
	if got := strings.Join(bad, " "); got != "不满意 非常不满意" {
		t.Errorf("差评 levels %q", got)
	}
	if Level(0).Valid() || Level(6).Valid() || Level(6).Label() != "" {
		t.Error("levels outside 1–5 must be invalid")
	}
}

func TestRatingCheck(t *testing.T) {
	item := Target{Kind: TargetItem, Code: "11610900MB0000000X4000000001"}
	for _, tc := range []struct {
		name string
		r    Rating
		want []string
	}{
		{"a plain rating", Rating{Target: item, Level: 4}, nil},
		{"a 差评 with reasons and a comment", Rating{Target: item, Level: 2, Reasons: []Reason{ReasonGuideWrong, ReasonManyVisits}, Comment: "窗口说还要户口本，\n指南里没写"}, nil},
		{"a bundle", Rating{Target: Target{Kind: TargetBundle, Code: "birth"}, Level: 5}, nil},
		{"no level", Rating{Target: item}, []string{"level: " + MsgLevel}},
		{"an unknown reason, a reason twice", Rating{Target: item, Level: 1, Reasons: []Reason{"bribe", ReasonOther, ReasonOther}},
			[]string{"reasons[0]: 没有“bribe”这个评价原因", "reasons[2]: “其他”选了两次"}},
		{"a comment too long", Rating{Target: item, Level: 3, Comment: strings.Repeat("好", MaxCommentRunes+1)}, []string{"comment: 不能超过500个字"}},
		{"a hostile comment", Rating{Target: item, Level: 3, Comment: "ok\u202Egnp.exe"}, []string{"comment: "}},
		{"no target", Rating{Level: 3}, []string{"target: " + MsgTarget}},
		{"a target with a path in it", Rating{Target: Target{Kind: TargetItem, Code: "../../etc"}, Level: 3}, []string{"target: " + MsgTarget}},
	} {
		got := fields(t, tc.r.Check())
		if len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], tc.want[i]) {
				t.Errorf("%s: %q, want %q", tc.name, got[i], tc.want[i])
			}
		}
	}
}

func TestReportsCheck(t *testing.T) {
	item := Target{Kind: TargetItem, Code: "A1"}
	if err := (&ErrorReport{Target: item, Section: "materials", What: "身份证复印件现在不收了"}).Check(); err != nil {
		t.Errorf("a good error report: %v", err)
	}
	got := fields(t, (&ErrorReport{Target: item, Section: "password", What: " ", Contact: "138\n0000"}).Check())
	want := []string{"section: 办事指南没有“password”这一部分", "what: ", "contact: " + MsgContactLine}
	if len(got) != len(want) {
		t.Fatalf("a bad error report: %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("a bad error report: %q, want %q", got[i], want[i])
		}
	}

	for _, phone := range []string{"0915-3212345", "13800138000", "+86 138 0013 8000", "12345"} {
		if err := (&FailReport{Kind: FailWindow, What: "材料不齐全，不知道还缺什么", Phone: phone}).Check(); err != nil {
			t.Errorf("phone %q: %v", phone, err)
		}
	}
	for _, phone := range []string{"1234", "电话", "138-", "=cmd|' /C calc'!A0", strings.Repeat("1", 21)} {
		if got := fields(t, (&FailReport{Kind: FailHow, What: "x", Phone: phone}).Check()); len(got) != 1 || got[0] != "phone: "+MsgPhone {
			t.Errorf("phone %q: %q, want the phone refused", phone, got)
		}
	}
	if got := fields(t, (&FailReport{Kind: "lost", What: "x", Target: &Target{Kind: "item"}}).Check()); len(got) != 2 ||
		got[0] != "kind: "+MsgFailKind || got[1] != "target: "+MsgTarget {
		t.Errorf("a bad 办不成事 report: %q", got)
	}
	var kinds []string
	for _, k := range FailKinds {
		kinds = append(kinds, k.Label())
	}
	if got := strings.Join(kinds, " "); got != "不知道找哪办 不知道怎么办 到窗口办不成" {
		t.Errorf("办不成事 kinds %q", got)
	}
}

func TestTicketMoves(t *testing.T) {
	ok := []struct {
		from State
		m    Move
	}{
		{StateOpen, Move{To: StateWorking, Reply: "已收到，正在核实"}},
		{StateOpen, Move{To: StateFixed, Reply: "已更正材料清单", Edition: 7}},
		{StateWorking, Move{To: StateDeclined, Reply: "该材料为法定要求，不能取消"}},
		{StateFixed, Move{To: StateVisited}},
		{StateDeclined, Move{To: StateVisited, Reply: "已电话回访"}},
	}
	for _, tc := range ok {
		if err := CheckMove(tc.from, tc.m); err != nil {
			t.Errorf("%s → %s: %v", tc.from, tc.m.To, err)
		}
	}
	bad := []struct {
		from State
		m    Move
		want string
	}{
		{StateOpen, Move{To: StateVisited}, "to: 不能从“待处理”改为“已回访”"},
		{StateVisited, Move{To: StateOpen}, "to: 不能从“已回访”改为“待处理”"},
		{StateFixed, Move{To: StateDeclined, Reply: "x"}, "to: 不能从“已整改”改为“不予整改”"},
		{StateOpen, Move{To: "done"}, "to: 不能从“待处理”改为“done”"},
		{StateWorking, Move{To: StateDeclined, Reply: " \u3000"}, "reply: " + MsgDeclineReason},
		{StateWorking, Move{To: StateWorking}, "to: "},
		{StateOpen, Move{To: StateWorking, Edition: 3}, "edition: 整改的指南版本应为正整数，不能是3"},
		{StateOpen, Move{To: StateFixed, Edition: -1}, "edition: "},
	}
	for _, tc := range bad {
		got := fields(t, CheckMove(tc.from, tc.m))
		if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
			t.Errorf("%s → %+v: %q, want %q", tc.from, tc.m, got, tc.want)
		}
	}
}

// TestDue2026 works deadlines out by hand from the State Council's notice
// for 2026 (中秋 9-25..27 and 国庆 10-01..07 off; Sunday 9-20 and Saturday
// 10-10 worked), with the built-in calendar.
func TestDue2026(t *testing.T) {
	cal := catalog.BuiltinCalendar()
	china := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, china)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		kind  Kind
		filed time.Time
		due   string
	}{
		// A 差评 on Friday 9-25 (中秋): 9-28, 29, 30, then 国庆, 10-08, 10-09.
		{KindRating, at("2026-09-25 15:00"), "2026-10-09"},
		// Filed on Thursday evening UTC, which is Friday morning in China.
		{KindError, time.Date(2026, 9, 24, 22, 0, 0, 0, time.UTC), "2026-10-09"},
		// An error report on Thursday 9-17: 9-18, Sunday 9-20 worked, 21, 22, 23.
		{KindError, at("2026-09-17 10:00"), "2026-09-23"},
		// 办不成事 on Friday 10-09: first contact on the worked Saturday.
		{KindFail, at("2026-10-09 16:45"), "2026-10-10"},
		// 办不成事 on Saturday 9-19: the worked Sunday.
		{KindFail, at("2026-09-19 09:00"), "2026-09-20"},
		// 办不成事 on 国庆: the first working day after it.
		{KindFail, at("2026-10-03 11:00"), "2026-10-08"},
	} {
		if got := Due(tc.kind, tc.filed, cal, china).Format(time.DateOnly); got != tc.due {
			t.Errorf("%s filed %s: due %s, want %s", tc.kind.Label(), tc.filed, got, tc.due)
		}
	}
}

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := NewToken()
		if len(tok) != TokenLen || !ValidToken(tok) || seen[tok] {
			t.Fatalf("token %q: wrong shape or repeated", tok)
		}
		seen[tok] = true
	}
	for _, bad := range []string{"", "abc", strings.Repeat("A", TokenLen), strings.Repeat("a", TokenLen-1) + "1", strings.Repeat("a", TokenLen+1)} {
		if ValidToken(bad) {
			t.Errorf("%q taken for a token", bad)
		}
	}
}
