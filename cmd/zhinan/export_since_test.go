package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
	"zhinan/internal/testdb"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
	"zhinan/web"
)

// changeLine is a line of a change export.
type changeLine struct {
	Seq     int64           `json:"seq"`
	Kind    string          `json:"kind"`
	Code    string          `json:"code"`
	Edition int             `json:"edition"`
	Time    string          `json:"time"`
	Item    json.RawMessage `json:"item"`
	Next    *int64          `json:"next"`
}

// parseChanges reads a change export: its change lines and the next of
// its last line.
func parseChanges(t *testing.T, out string) ([]changeLine, int64) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var changes []changeLine
	for i, l := range lines {
		var c changeLine
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("line %d %q: %v", i+1, l, err)
		}
		if (c.Next != nil) != (i == len(lines)-1) {
			t.Fatalf("line %d of %d: %s (only the last line, and it, says next)", i+1, len(lines), l)
		}
		if c.Next != nil {
			return changes, *c.Next
		}
		changes = append(changes, c)
	}
	t.Fatal("empty change export")
	return nil, 0
}

// `zhinan export --since` writes the changes the feed answers, with the
// published documents as the JSON Lines export writes items, and next.
func TestExportSince(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	url := testdb.URL(t)
	flags := []string{"--data", dir, "--db", url}
	st, err := store.OpenDB(url, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	guide := func(code, conditions string) *catalog.Item {
		it := catalogtest.CompleteGuide()
		it.Code, it.Conditions = code, conditions
		return it
	}
	d := catalog.Decoded{Records: []catalog.Record{{Line: 1, Kind: catalog.KindDepartment,
		Department: &catalog.Department{Name: catalogtest.CompleteGuide().Department, Region: catalogtest.CompleteGuide().Region}}}}
	for i, code := range []string{"EXP-1", "EXP-2", "EXP-3"} {
		d.Records = append(d.Records, catalog.Record{Line: i + 2, Kind: catalog.KindItem, Item: guide(code, "导入")})
	}
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	admin := store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}
	if _, err := st.CreateItem(ctx, admin, guide("EXP-DRAFT", "草稿"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveDraft(ctx, admin, "EXP-1", 1, guide("EXP-1", "修订"), ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, admin, "EXP-1", 2, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(ctx, admin, "EXP-1", 2); err != nil {
		t.Fatal(err)
	}
	if err := st.Withdraw(ctx, admin, "EXP-2", "取消"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveDraft(ctx, admin, "EXP-3", 1, guide("EXP-3", "未提交的修订"), ""); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := zhinan(t, append([]string{"export", "--since", "0"}, flags...)...)
	if code != 0 {
		t.Fatalf("export --since 0: exit %d %s", code, errOut)
	}
	changes, next := parseChanges(t, out)
	got := []string{}
	for _, c := range changes {
		got = append(got, fmt.Sprintf("%s %s %d", c.Kind, c.Code, c.Edition))
	}
	want := "created EXP-1 1|created EXP-2 1|created EXP-3 1|updated EXP-1 2|withdrawn EXP-2 0"
	if strings.Join(got, "|") != want {
		t.Fatalf("changes:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}

	// The feed answers the same changes.
	ix, err := search.Open(ctx, dir, st)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv, err := web.New(ctx, st, ix, web.Options{HomeRegion: seeds.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/changes?since=0", nil))
	var feed struct {
		Changes []changeLine `json:"changes"`
		Next    int64        `json:"next"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &feed); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("feed: %d %v %s", rec.Code, err, rec.Body)
	}
	if feed.Next != next || len(feed.Changes) != len(changes) {
		t.Fatalf("feed next %d with %d changes, export next %d with %d", feed.Next, len(feed.Changes), next, len(changes))
	}
	for i, c := range changes {
		f := feed.Changes[i]
		if f.Seq != c.Seq || f.Kind != c.Kind || f.Code != c.Code || f.Edition != c.Edition || f.Time != c.Time {
			t.Errorf("change %d: export %+v, feed %+v", i, c, f)
		}
	}
	if last := changes[len(changes)-1].Seq; next != last {
		t.Errorf("next %d, last change %d", next, last)
	}

	// A document is the edition's guide as an export writes an item: the
	// published ones are the export's lines.
	export := exportOf(t, flags...)
	for _, c := range changes {
		switch {
		case c.Kind == store.FeedWithdrawn:
			if c.Item != nil {
				t.Errorf("withdrawal with an item: %s", c.Item)
			}
		case c.Code == "EXP-1" && c.Edition == 1, c.Code == "EXP-2": // superseded, withdrawn
			if !strings.HasPrefix(string(c.Item), `{"code":"`+c.Code+`"`) || !strings.Contains(string(c.Item), `"conditions":"导入"`) {
				t.Errorf("EXP-1 edition 1: %s", c.Item)
			}
		default:
			if !strings.Contains(export, string(c.Item)+"\n") {
				t.Errorf("%s edition %d is not the export's line:\n%s", c.Code, c.Edition, c.Item)
			}
		}
	}

	// From next: nothing but next; into a file, the same bytes.
	code, out, _ = zhinan(t, append([]string{"export", "--since", fmt.Sprint(next)}, flags...)...)
	if code != 0 || out != fmt.Sprintf("{\"next\":%d}\n", next) {
		t.Errorf("export --since next: exit %d %q", code, out)
	}
	file := filepath.Join(t.TempDir(), "changes.jsonl")
	mid := fmt.Sprint(changes[2].Seq)
	_, all, _ := zhinan(t, append([]string{"export", "--since", mid}, flags...)...)
	if code, _, errOut := zhinan(t, append([]string{"export", "--since", mid, "-o", file}, flags...)...); code != 0 {
		t.Fatalf("export -o: %s", errOut)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != all || !strings.HasPrefix(all, `{"seq":`+fmt.Sprint(changes[3].Seq)+`,"kind":"updated"`) {
		t.Errorf("export --since %s -o: %v\n%s\nstdout:\n%s", mid, err, b, all)
	}

	for _, args := range [][]string{
		{"--since", "-1"},
		{"--since", "x"},
		{"--since", "0", "--format", "csv"},
		{"--since", "0", "--region", "610900"},
		{"--since", "0", "--department", "市公安局"},
	} {
		if code, _, _ := zhinan(t, append(append([]string{"export"}, args...), flags...)...); code != 2 {
			t.Errorf("export %v: exit %d, want 2", args, code)
		}
	}
}
