package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestUserAddReadsThePasswordFromStdin(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := zhinan(t, "import", "--data", data, writeTemp(t, "d.jsonl",
		`{"code":"T-1","base_code":"000000000001","name":"测试事项","type":"公共服务","region":"610921","department":"汉阴县民政局"}`+"\n")); code != 0 {
		t.Fatal(errOut)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		password string
		code     int
		want     string
	}{
		{"editor", []string{"user", "add", "hy-editor", "--role", "editor", "--department", "汉阴县民政局", "--region", "610921"}, "a long password\n", 0, "已创建账号 hy-editor"},
		{"short password", []string{"user", "add", "x1", "--role", "auditor"}, "short\n", 1, "密码至少"},
		{"unknown department", []string{"user", "add", "x2", "--role", "editor", "--department", "无此局", "--region", "610921"}, "a long password\n", 1, "无此局"},
		{"duplicate", []string{"user", "add", "hy-editor", "--role", "auditor"}, "a long password\n", 1, "已存在"},
		{"no name", []string{"user", "add", "--role", "auditor"}, "a long password\n", 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdin = strings.NewReader(tc.password)
			defer func() { stdin = os.Stdin }()
			code, out, errOut := zhinan(t, append(tc.args, "--data", data)...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Fatalf("exit %d (want %d): %s %s", code, tc.code, out, errOut)
			}
		})
	}
	// The password on standard input signs in.
	srv := startServer(t, data)
	resp, err := http.Post(srv.base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"hy-editor","password":"a long password"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login with the new account: %v %v", err, resp.Status)
	}
}

func TestServeDemoPrintsMarkedAccounts(t *testing.T) {
	cmd := exec.Command(binary, "serve", "--demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	var lines []string
	base := ""
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if m := regexp.MustCompile(`http://(\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
			base = "http://" + m[1]
			break
		}
	}
	out := strings.Join(lines, "\n")
	if !strings.Contains(out, "演示账号") || !strings.Contains(out, "切勿用于生产") {
		t.Fatalf("demo accounts not clearly marked:\n%s", out)
	}
	m := regexp.MustCompile(`demo-reviewer\s+reviewer\s+密码 (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no reviewer password printed:\n%s", out)
	}
	resp, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"demo-reviewer","password":"`+m[1]+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("demo login: %v %v", err, resp.Status)
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := t.TempDir() + "/" + name
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
