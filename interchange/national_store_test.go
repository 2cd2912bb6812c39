package interchange_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/store"
)

const realData = "../testdata/gdzwfw-2021/items.jsonl"

// TestRealNationalDataImports imports the real 广东 export through the
// national dialect into a real store and checks the classification counts
// read back from the store against counting the raw file by hand.
func TestRealNationalDataImports(t *testing.T) {
	f, err := os.Open(realData)
	if err != nil {
		t.Fatalf("the real data is part of the repository: %v", err)
	}
	defer f.Close()

	// Count the raw file with nothing but its own field names.
	var want struct{ items, oneVisit, zeroVisit, online int }
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var raw struct {
			LimitSceneNum string `json:"LIMIT_SCENE_NUM"`
			OnlineCheck   string `json:"ONLINECHECK"`
		}
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		want.items++
		if raw.LimitSceneNum == "0" || raw.LimitSceneNum == "1" {
			want.oneVisit++
		}
		if raw.LimitSceneNum == "0" {
			want.zeroVisit++
		}
		if raw.OnlineCheck == "1" || raw.OnlineCheck == "是" {
			want.online++
		}
	}

	ctx := context.Background()
	st := openStore(t)
	d, err := interchange.DecodeFile(realData, "national")
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Import(ctx, d, store.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v; first problems: %v", err, head(res))
	}
	if res.Rejected != 0 || res.Created != want.items {
		t.Fatalf("created %d rejected %d, want %d and 0", res.Created, res.Rejected, want.items)
	}

	var got struct{ items, oneVisit, zeroVisit, online int }
	err = st.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
		got.items++
		for _, fl := range p.Flags {
			switch fl {
			case catalog.FlagOneVisit:
				got.oneVisit++
			case catalog.FlagZeroVisit:
				got.zeroVisit++
			case catalog.FlagOnline:
				got.online++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("store counts %+v, counted by hand %+v", got, want)
	}
	// The README of the data states these figures; the file must agree.
	if want.items != 2262 || want.zeroVisit != 2171 || want.online != 2196 {
		t.Fatalf("the real file changed: %+v", want)
	}

	// Importing the same file again changes nothing.
	d, _ = interchange.DecodeFile(realData, "national")
	res, err = st.Import(ctx, d, store.ImportOptions{})
	if err != nil || res.Unchanged != want.items {
		t.Fatalf("re-import: %+v %v", res, err)
	}
}

func head(res *store.ImportResult) []catalog.Problem {
	if res == nil || len(res.Problems) < 5 {
		if res == nil {
			return nil
		}
		return res.Problems
	}
	return res.Problems[:5]
}
