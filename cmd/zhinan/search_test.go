package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type apiSearch struct {
	Total int `json:"total"`
	Hits  []struct {
		Code, Name, Highlight string
		Flags                 []string
	} `json:"hits"`
	Facets map[string][]struct {
		Value, Label string
		Count        int
	} `json:"facets"`
}

func (s *server) search(t *testing.T, params url.Values) (int, apiSearch) {
	t.Helper()
	var res apiSearch
	code := s.getJSON(t, "/api/v1/search?"+params.Encode(), &res)
	return code, res
}

func TestSearchAPI(t *testing.T) {
	srv := startServer(t, t.TempDir())
	code, res := srv.search(t, url.Values{"q": {"公积金"}})
	if code != 200 || res.Total == 0 || !strings.Contains(res.Hits[0].Name, "住房公积金") {
		t.Fatalf("q=公积金: %d %+v", code, res)
	}
	oneVisit := 0
	for _, f := range res.Facets["flag"] {
		if f.Value == "one_visit" {
			oneVisit = f.Count
		}
	}
	code, narrowed := srv.search(t, url.Values{"q": {"公积金"}, "flag": {"one_visit"}})
	if code != 200 || narrowed.Total != oneVisit || oneVisit == 0 {
		t.Fatalf("flag=one_visit: %d hits, facet said %d", narrowed.Total, oneVisit)
	}
	var sug struct{ Suggestions []string }
	if srv.getJSON(t, "/api/v1/suggest?q=gjj", &sug) != 200 || len(sug.Suggestions) == 0 || len(sug.Suggestions) > 10 {
		t.Fatalf("suggest: %v", sug)
	}
	var themes struct{ Themes []struct{ Value string } }
	if srv.getJSON(t, "/api/v1/themes", &themes) != 200 || len(themes.Themes) < 10 {
		t.Fatalf("themes: %v", themes)
	}

	for _, tc := range []struct {
		name, query string
		status      int
	}{
		{"over 200 characters", "q=" + url.QueryEscape(strings.Repeat("证", 201)), 400},
		{"page not a number", "q=证&page=abc", 400},
		{"page 0", "q=证&page=0", 400},
		{"size too large", "q=证&size=51", 400},
		{"control character", "q=%E8%AF%81%00", 400},
		{"invalid utf-8", "q=%FF%FE", 400},
		{"unknown region", "q=证&region=999999", 200},
		{"unknown flag", "flag=teleport", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body struct {
				Total int
				Error struct{ Code, Message, Field string }
			}
			status := srv.getJSON(t, "/api/v1/search?"+tc.query, &body)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%+v)", status, tc.status, body)
			}
			if status == 400 && body.Error.Message == "" {
				t.Fatal("400 without a message")
			}
			if status == 200 && body.Total != 0 {
				t.Fatalf("unknown filter value found %d items", body.Total)
			}
		})
	}
}

func TestServerFindsItemsImportedByAnotherProcess(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	file := filepath.Join(t.TempDir(), "new.jsonl")
	line := `{"code":"ZN-TEST-1","base_code":"000000000099","name":"蓬莱仙岛渔船登记","type":"行政许可","region":"610921","department":"汉阴县农业农村局"}`
	os.WriteFile(file, []byte(line+"\n"), 0o644)
	if out, err := exec.Command(binary, "import", "--data", data, file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, res := srv.search(t, url.Values{"q": {"蓬莱仙岛"}})
		if res.Total == 1 && res.Hits[0].Code == "ZN-TEST-1" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not find the imported item within 5 s: %+v", res)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestDeletedIndexIsRebuiltOnStart(t *testing.T) {
	data := t.TempDir()
	queries := []string{"公积金", "汉阴 身份证", "gjj", "结婚", "营业执照"}
	snapshot := func(srv *server) string {
		var b strings.Builder
		for _, q := range queries {
			_, res := srv.search(t, url.Values{"q": {q}, "size": {"50"}})
			fmt.Fprintf(&b, "%s %d:", q, res.Total)
			for _, h := range res.Hits {
				b.WriteString(" " + h.Code)
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	srv := startServer(t, data)
	before := snapshot(srv)
	srv.cmd.Process.Signal(os.Interrupt)
	srv.cmd.Wait()
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	srv = startServer(t, data)
	if after := snapshot(srv); after != before {
		t.Fatalf("results differ after the rebuild:\n%s\nbefore:\n%s", after, before)
	}
}

func TestReindexCommand(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	_, before := srv.search(t, url.Values{"q": {"身份证"}})
	code, out, errOut := zhinan(t, "reindex", "--data", data)
	if code != 0 || !strings.Contains(out, "已重建搜索索引") {
		t.Fatalf("reindex: %d %s %s", code, out, errOut)
	}
	// The server switches to the new generation at its next poll and
	// removes the old one.
	deadline := time.Now().Add(5 * time.Second)
	for {
		gens, _ := filepath.Glob(filepath.Join(data, "index", "gen-*"))
		if len(gens) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("index generations after reindex: %v", gens)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, after := srv.search(t, url.Values{"q": {"身份证"}})
	if after.Total != before.Total || after.Hits[0].Code != before.Hits[0].Code {
		t.Fatalf("after reindex %d hits, before %d", after.Total, before.Total)
	}
}
