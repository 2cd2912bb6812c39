package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/internal/testdb"
	"zhinan/store"
)

// migrateTables are the tables of the schema a migration must list.
var migrateTables = []string{"audit_log", "departments", "editions", "entries", "item_views", "items",
	"regions", "sequences", "sessions", "settings", "users"}

// seedMigrateSource returns a data directory with rows in every table:
// generated items, an item imported twice (two editions), an account
// with a session, views and a setting.
func seedMigrateSource(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "gen.jsonl")
	if code, _, errOut := zhinan(t, "gen", "--items", "300", "--seed", "3", "-o", file); code != 0 {
		t.Fatalf("gen: %s", errOut)
	}
	item := `{"code":"T-1","base_code":"000000000001","name":"测试事项","type":"公共服务","region":"610921","department":"汉阴县民政局"}`
	for _, f := range []string{file, writeTemp(t, "a.jsonl", item+"\n"), writeTemp(t, "b.jsonl", strings.Replace(item, "测试事项", "测试事项（修订）", 1)+"\n")} {
		if code, _, errOut := zhinan(t, "import", "--data", data, f); code != 0 {
			t.Fatalf("import %s: %s", f, errOut)
		}
	}
	stdin = strings.NewReader("a long password\n")
	defer func() { stdin = os.Stdin }()
	if code, _, errOut := zhinan(t, "user", "add", "hy-editor", "--role", "editor", "--department", "汉阴县民政局", "--region", "610921", "--data", data); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	ctx := context.Background()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.Authenticate(ctx, "hy-editor", "a long password")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateSession(ctx, u, store.SessionCookie); err != nil {
		t.Fatal(err)
	}
	if err := st.AddViews(ctx, map[string]int64{"T-1": 7}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(ctx, settingSeeded, "1"); err != nil {
		t.Fatal(err)
	}
	return data
}

// migrateTarget returns a new destination: a PostgreSQL database when
// ZHINAN_TEST_DB names a server, else a new data directory (SQLite), and
// the flags that make another command use it.
func migrateTarget(t *testing.T) (string, []string) {
	t.Helper()
	if u := testdb.URL(t); u != "" {
		return u, []string{"--db", u, "--data", t.TempDir()}
	}
	dir := filepath.Join(t.TempDir(), "copy")
	return dir, []string{"--data", dir, "--db", ""}
}

// exportOf returns the JSON Lines export of the store the flags name.
func exportOf(t *testing.T, flags ...string) string {
	t.Helper()
	code, out, errOut := zhinan(t, append([]string{"export"}, flags...)...)
	if code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	return out
}

func TestMigrateStore(t *testing.T) {
	src := seedMigrateSource(t)
	to, toFlags := migrateTarget(t)
	code, out, errOut := zhinan(t, "migrate-store", "--from", src, "--to", to)
	if code != 0 {
		t.Fatalf("migrate-store: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "不一致") || !strings.Contains(out, "迁移完成") {
		t.Fatalf("migrate-store output:\n%s", out)
	}
	if strings.Contains(out, "postgres:postgres@") {
		t.Errorf("the output shows the database password:\n%s", out)
	}
	for _, table := range migrateTables {
		if !strings.Contains(out, "\n"+table+" ") {
			t.Errorf("the output lists no table %s:\n%s", table, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[0] == "editions" && (f[1] != f[2] || f[1] == "0") {
			t.Errorf("editions: %s", line)
		}
	}
	before := exportOf(t, toFlags...)
	if want := exportOf(t, "--data", src, "--db", ""); before != want || !strings.Contains(before, "测试事项（修订）") {
		t.Fatalf("the copy exports %d bytes, the source %d", len(before), len(want))
	}

	// A second run finds the copy and touches nothing.
	seq := func() int64 {
		db, dir := to, t.TempDir()
		if !strings.HasPrefix(to, "postgres") {
			db, dir = "", to
		}
		st, err := store.OpenDB(db, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		n, err := st.Seq(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	seqBefore := seq()
	code, out, errOut = zhinan(t, "migrate-store", "--from", src, "--to", to)
	if code != 1 || !strings.Contains(errOut, "目标库已有数据") || !strings.Contains(errOut, "items") {
		t.Fatalf("second migration: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := exportOf(t, toFlags...); after != before || seq() != seqBefore {
		t.Fatal("a refused migration changed the destination")
	}
}

// TestMigrateStoreRefusesADestinationWithData: a destination holding a
// catalogue of its own is refused and left as it was.
func TestMigrateStoreRefusesADestinationWithData(t *testing.T) {
	src := seedMigrateSource(t)
	to, toFlags := migrateTarget(t)
	own := writeTemp(t, "own.jsonl", `{"code":"OWN-1","base_code":"000000000009","name":"目标库自有事项","type":"公共服务","region":"610921","department":"汉阴县民政局"}`+"\n")
	if code, _, errOut := zhinan(t, append([]string{"import", own}, toFlags...)...); code != 0 {
		t.Fatal(errOut)
	}
	before := exportOf(t, toFlags...)
	code, out, errOut := zhinan(t, "migrate-store", "--from", src, "--to", to)
	if code != 1 || !strings.Contains(errOut, "目标库已有数据") {
		t.Fatalf("migration into a store with data: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, table := range []string{"items", "editions", "departments", "audit_log"} {
		if !strings.Contains(errOut, table) {
			t.Errorf("the refusal does not name table %s: %s", table, errOut)
		}
	}
	after := exportOf(t, toFlags...)
	if after != before || !strings.Contains(after, "OWN-1") || strings.Contains(after, "T-1") {
		t.Fatal("a refused migration changed the destination")
	}
	st, err := store.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Published(context.Background(), "OWN-1"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("the source got the destination's item: %v", err)
	}
}

func TestMigrateStoreUsage(t *testing.T) {
	src := seedMigrateSource(t)
	missing := filepath.Join(t.TempDir(), "none")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no flags", nil, 2, "--from"},
		{"no destination", []string{"--from", src}, 2, "--to"},
		{"extra argument", []string{"--from", src, "--to", t.TempDir(), "x"}, 2, "x"},
		{"same directory", []string{"--from", src, "--to", src}, 2, "同一个"},
		{"no source database", []string{"--from", missing, "--to", t.TempDir()}, 1, "没有数据库"},
		{"not a database URL", []string{"--from", src, "--to", "mysql://x"}, 1, "无法识别"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := zhinan(t, append([]string{"migrate-store"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d (want %d):\n%s\n%s", code, tc.code, out, errOut)
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a missing source directory was created: %v", err)
	}
}

// TestExportHasher: the line sum of an export does not depend on the order
// of its lines (nor on how the writes cut them), the stream hash does.
func TestExportHasher(t *testing.T) {
	sum := func(writes ...string) (stream, lines [32]byte) {
		h := &exportHasher{all: sha256.New(), line: sha256.New()}
		for _, w := range writes {
			h.Write([]byte(w))
		}
		h.endLine()
		h.all.Sum(stream[:0])
		return stream, h.lines
	}
	s1, l1 := sum("a\nbb\n", "c")
	_, l2 := sum("c\nbb\na\n")
	s3, l3 := sum("a", "\nb", "b\nc")
	if l1 == l2 {
		t.Error(`"c" and "c\n" sum alike`)
	}
	s4, l4 := sum("bb\n", "a\nc")
	if l1 != l4 || s1 == s4 {
		t.Error("the line sum depends on the order of lines, or the stream hash does not")
	}
	if s1 != s3 || l1 != l3 {
		t.Error("the sums depend on how the writes cut the lines")
	}
	if _, l5 := sum("a\nbb\nc\nc"); l5 == l1 {
		t.Error("a doubled line keeps the line sum")
	}
}
