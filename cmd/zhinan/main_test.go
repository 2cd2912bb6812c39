package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// binary is the zhinan command built once for the tests that run it as a
// separate process (a second importer, a kill -9, a server).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zhinan-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "zhinan")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build zhinan: %v\n%s", err, out)
		os.Exit(1)
	}
	checkAPIAnswers()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// zhinan runs the command in-process and returns its exit status and output.
func zhinan(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// server is a zhinan serve process.
type server struct {
	cmd  *exec.Cmd
	base string
}

// startServer runs `zhinan serve` on a free port and waits until it answers.
func startServer(t *testing.T, data string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`http://(\S+)/`)
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			return &server{cmd: cmd, base: "http://" + m[1]}
		}
	}
	t.Fatal("server did not start")
	return nil
}

func (s *server) getJSON(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// apiItem is what the tests read of GET /api/v1/items/{code}.
type apiItem struct {
	Code      string            `json:"code"`
	Name      string            `json:"name"`
	Flags     []string          `json:"flags"`
	Edition   int               `json:"edition"`
	Materials []json.RawMessage `json:"materials"`
	Steps     []json.RawMessage `json:"steps"`
	Basis     []json.RawMessage `json:"basis"`
	LegalDays *int              `json:"legal_days"`
	Location  string            `json:"location"`
	Fee       *json.RawMessage  `json:"fee"`
	Result    *json.RawMessage  `json:"result"`
	UpdatedAt string            `json:"updated_at"`
}

func TestServeStartsOnTheSeeds(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	if code := srv.getJSON(t, "/healthz", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	// A seed item: the first line of an export of the running data dir.
	code, out, errOut := zhinan(t, "export", "--data", data, "--region", "610921")
	if code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	var first struct{ Code string }
	for _, line := range strings.Split(out, "\n") {
		if line != "" && !strings.Contains(line, `"kind"`) {
			json.Unmarshal([]byte(line), &first)
			break
		}
	}
	var it apiItem
	if status := srv.getJSON(t, "/api/v1/items/"+first.Code, &it); status != 200 {
		t.Fatalf("GET item %q: %d", first.Code, status)
	}
	if it.Name == "" || len(it.Materials) == 0 || len(it.Steps) == 0 || len(it.Basis) == 0 ||
		it.LegalDays == nil || it.Location == "" || it.Fee == nil || it.Result == nil {
		t.Fatalf("seed guide is not complete: %+v", it)
	}
	if it.Flags == nil || it.Edition != 1 || it.UpdatedAt == "" {
		t.Fatalf("flags/edition/updated_at missing: %+v", it)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if status := srv.getJSON(t, "/api/v1/items/NO-SUCH-CODE", &e); status != 404 || e.Error.Message == "" {
		t.Fatalf("unknown code: %d %+v", status, e)
	}
	var regions struct{ Regions []struct{ Code, Name string } }
	srv.getJSON(t, "/api/v1/regions", &regions)
	if len(regions.Regions) < 3000 {
		t.Fatalf("%d regions", len(regions.Regions))
	}
	var depts struct {
		Departments []struct{ Name, Region string }
	}
	srv.getJSON(t, "/api/v1/departments?region=610900", &depts)
	if len(depts.Departments) < 20 {
		t.Fatalf("%d city departments", len(depts.Departments))
	}
	if status := srv.getJSON(t, "/api/v1/departments?region=999999", &e); status != 400 {
		t.Fatalf("unknown region: %d", status)
	}
}

func TestImportWhileServing(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data, "--no-seed")
	file := filepath.Join(t.TempDir(), "gen.jsonl")
	if code, _, errOut := zhinan(t, "gen", "--items", "2000", "--seed", "7", "-o", file); code != 0 {
		t.Fatalf("gen: %s", errOut)
	}
	cmd := exec.Command(binary, "import", "--data", data, file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("import while serving: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "新增 2000 项") {
		t.Fatalf("import summary: %s", out)
	}
	code := lastItemCode(t, file)
	var it apiItem
	if status := srv.getJSON(t, "/api/v1/items/"+code, &it); status != 200 || it.Code != code {
		t.Fatalf("server does not return the imported item %s: %d", code, status)
	}
}

func TestKilledImportLeavesStoreAsBefore(t *testing.T) {
	data := t.TempDir()
	small := filepath.Join(t.TempDir(), "small.jsonl")
	big := filepath.Join(t.TempDir(), "big.jsonl")
	zhinan(t, "gen", "--items", "100", "--seed", "1", "-o", small)
	zhinan(t, "gen", "--items", "60000", "--seed", "2", "-o", big)
	if code, _, errOut := zhinan(t, "import", "--data", data, small); code != 0 {
		t.Fatal(errOut)
	}
	_, before, _ := zhinan(t, "export", "--data", data)

	// Kill an import while it stages (its stage file grows), then one in
	// its swap (the database's WAL grows).
	// grows reports when a file matching pattern has grown by 1 MiB over
	// its size when grows was called.
	grows := func(pattern string) func() bool {
		size := func() (n int64) {
			paths, _ := filepath.Glob(filepath.Join(data, pattern))
			for _, p := range paths {
				if fi, err := os.Stat(p); err == nil {
					n = max(n, fi.Size())
				}
			}
			return n
		}
		from := size()
		return func() bool { return size() > from+1<<20 }
	}
	for _, step := range []struct {
		name  string
		began func() func() bool
	}{
		{"staging", func() func() bool { return grows("import-*.stage") }},
		{"swap", func() func() bool { return grows("zhinan.db-wal") }},
	} {
		began := step.began()
		cmd := exec.Command(binary, "import", "--data", data, big)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(120 * time.Second)
		for !began() {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("import never began its %s", step.name)
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Kill()
		state, _ := cmd.Process.Wait()
		if state.Success() {
			t.Skipf("the import finished before it could be killed in its %s", step.name)
		}
		_, after, _ := zhinan(t, "export", "--data", data)
		if after != before {
			t.Fatalf("an import killed in its %s changed the store: %d bytes before, %d after", step.name, len(before), len(after))
		}
	}
	// And the store still takes the import.
	if code, _, errOut := zhinan(t, "import", "--data", data, big); code != 0 {
		t.Fatal(errOut)
	}
}

func TestImportBadInput(t *testing.T) {
	good := `{"code":"T-1","base_code":"000000000001","name":"测试事项","type":"公共服务","region":"610921","department":"汉阴县民政局"}`
	for _, tc := range []struct {
		name, file, content string
		want                []string // in stderr
	}{
		{"malformed json", "a.jsonl", good + "\n{\"code\": \"T-2\",\n", []string{"第2行"}},
		{"wrong type", "a.jsonl", strings.Replace(good, `"name":"测试事项"`, `"name":"测试事项","legal_days":"三十"`, 1), []string{"第1行", "legal_days"}},
		{"unknown enum", "a.jsonl", strings.Replace(good, "公共服务", "公共服务事项", 1), []string{"第1行", "type"}},
		{"missing required", "a.jsonl", strings.Replace(good, `"name":"测试事项",`, "", 1), []string{"第1行", "name"}},
		{"duplicate code", "a.jsonl", good + "\n" + good + "\n", []string{"第2行", "code"}},
		{"unknown region", "a.jsonl", strings.Replace(good, "610921", "999999", 1), []string{"第1行", "999999"}},
		{"invalid utf-8", "a.jsonl", good + "\n" + "{\"code\":\"T-3\",\"name\":\"\xff\xfe\"}\n", []string{"第2行"}},
		{"huge line", "a.jsonl", good + "\n{\"code\":\"T-4\",\"conditions\":\"" + strings.Repeat("长", 4<<20) + "\"}\n", []string{"第2行"}},
		{"csv unknown header", "a.csv", "实施编码,基本编码,事项名称,事项类型,行政区划代码,实施主体,颜色\nT-1,000000000001,测试事项,公共服务,610921,汉阴县民政局,红\n", []string{"颜色"}},
		{"csv missing header", "a.csv", "实施编码,事项名称\nT-1,测试事项\n", []string{"基本编码"}},
		{"xlsx not a zip", "a.xlsx", "this is not a spreadsheet", []string{"a.xlsx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			seed := filepath.Join(t.TempDir(), "seed.jsonl")
			os.WriteFile(seed, []byte(strings.Replace(good, "T-1", "KEEP-1", 1)+"\n"), 0o644)
			if code, _, errOut := zhinan(t, "import", "--data", data, seed); code != 0 {
				t.Fatal(errOut)
			}
			_, before, _ := zhinan(t, "export", "--data", data)
			path := filepath.Join(t.TempDir(), tc.file)
			os.WriteFile(path, []byte(tc.content), 0o644)
			code, _, errOut := zhinan(t, "import", "--data", data, path)
			if code == 0 {
				t.Fatalf("exit 0 for bad input; stderr: %s", errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, errOut)
				}
			}
			if _, after, _ := zhinan(t, "export", "--data", data); after != before {
				t.Fatal("a rejected import changed the store")
			}
		})
	}
}

func TestImportBOMAndCRLF(t *testing.T) {
	data := t.TempDir()
	path := filepath.Join(t.TempDir(), "bom.jsonl")
	line := `{"code":"T-1","base_code":"000000000001","name":"测试事项","type":"公共服务","region":"610921","department":"汉阴县民政局"}`
	os.WriteFile(path, []byte("\ufeff"+line+"\r\n"), 0o644)
	if code, out, errOut := zhinan(t, "import", "--data", data, path); code != 0 || !strings.Contains(out, "新增 1 项") {
		t.Fatalf("BOM/CRLF file: %d %s %s", code, out, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"import"}, {"gen"}, {"export", "--format", "pdf"}} {
		if code, _, _ := zhinan(t, args...); code != 2 {
			t.Errorf("zhinan %v: exit %d, want 2", args, code)
		}
	}
}

func lastItemCode(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var it struct{ Code string }
	json.Unmarshal([]byte(lines[len(lines)-1]), &it)
	return it.Code
}
