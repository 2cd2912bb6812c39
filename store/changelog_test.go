package store

import (
	"context"
	"strings"
	"testing"
)

// TestChangeLogClipsAnonymousText: the change log keeps a bounded, valid form
// of text an anonymous client sent (a failed login's user name).
func TestChangeLogClipsAnonymousText(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	huge := strings.Repeat("x", 1<<20)
	if err := st.LogChange(ctx, ChangeEntry{UserName: huge, Action: OpLoginFailed, Remote: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.LogChange(ctx, ChangeEntry{UserName: "a\xffb\x1b[31mc\u0085", Action: OpLoginFailed}); err != nil {
		t.Fatal(err)
	}
	log, err := st.ChangeLog(ctx, ChangeFilter{})
	if err != nil || len(log) != 2 {
		t.Fatalf("change log: %v %d", err, len(log))
	}
	if want := strings.Repeat("x", MaxChangeLogInputRunes) + "…"; log[1].UserName != want {
		t.Errorf("a megabyte user name is stored as %d bytes", len(log[1].UserName))
	}
	if got := log[0].UserName; got != "a\uFFFDb\uFFFD[31mc\uFFFD" {
		t.Errorf("invalid UTF-8 and control characters stored as %q", got)
	}
	for _, s := range []string{"", "hb-police", strings.Repeat("名", MaxChangeLogInputRunes)} {
		if got := ClipChangeLogText(s); got != s {
			t.Errorf("ClipChangeLogText(%q) = %q", s, got)
		}
	}
	if got := ClipChangeLogText(strings.Repeat("名", MaxChangeLogInputRunes+1)); got != strings.Repeat("名", MaxChangeLogInputRunes)+"…" {
		t.Errorf("one rune over: %q", got)
	}
}
