package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"zhinan/store"
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

// TestUserPasswdDisableAndSessions: `zhinan user passwd` reads the new
// password from standard input and ends the account's sessions; `user
// disable` refuses its logins and ends its sessions, `user enable` undoes
// it; `user sessions` lists them and `--revoke` ends them.
func TestUserPasswdDisableAndSessions(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	run := func(password string, args ...string) (int, string) {
		t.Helper()
		stdin = strings.NewReader(password)
		defer func() { stdin = os.Stdin }()
		code, out, errOut := zhinan(t, append(args, "--data", data)...)
		return code, out + errOut
	}
	if code, out := run("first long password\n", "user", "add", "ops", "--role", "auditor"); code != 0 {
		t.Fatal(out)
	}
	// session opens a session of ops as a login would.
	session := func(kind string) string {
		t.Helper()
		st, err := store.Open(data)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		u, err := st.Authenticate(ctx, "ops", "second long password")
		if err != nil {
			u, err = st.Authenticate(ctx, "ops", "first long password")
		}
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := st.CreateSession(ctx, u, kind)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	live := func(tok string) bool {
		t.Helper()
		st, err := store.Open(data)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, _, err = st.SessionUser(ctx, tok)
		return err == nil
	}
	signIn := func(password string) error {
		st, err := store.Open(data)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, err = st.Authenticate(ctx, "ops", password)
		return err
	}

	a, b := session(store.SessionCookie), session(store.SessionToken)
	if code, out := run("", "user", "sessions", "ops"); code != 0 || !strings.Contains(out, "有效会话 2 个") || !strings.Contains(out, "网页") || !strings.Contains(out, "令牌") || strings.Contains(out, a) {
		t.Fatalf("sessions: %d %s", code, out)
	}
	if code, out := run("short\n", "user", "passwd", "ops"); code != 1 || !strings.Contains(out, "密码至少") || !live(a) {
		t.Fatalf("short password: %d %s", code, out)
	}
	if code, out := run("second long password\n", "user", "passwd", "ops"); code != 0 || !strings.Contains(out, "结束其会话 2 个") {
		t.Fatalf("passwd: %d %s", code, out)
	}
	if live(a) || live(b) {
		t.Fatal("sessions outlive the password change")
	}
	if signIn("first long password") == nil || signIn("second long password") != nil {
		t.Fatal("the new password does not replace the old one")
	}

	c := session(store.SessionToken)
	if code, out := run("", "user", "sessions", "ops", "--revoke"); code != 0 || !strings.Contains(out, "共 1 个") || live(c) {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, out := run("", "user", "sessions", "ops"); code != 0 || !strings.Contains(out, "没有有效会话") {
		t.Fatalf("sessions after revoke: %d %s", code, out)
	}

	d := session(store.SessionCookie)
	if code, out := run("", "user", "disable", "ops"); code != 0 || !strings.Contains(out, "已停用账号 ops") || live(d) {
		t.Fatalf("disable: %d %s", code, out)
	}
	if signIn("second long password") == nil {
		t.Fatal("a disabled account signs in")
	}
	if code, out := run("", "user", "sessions", "ops"); code != 0 || !strings.Contains(out, "已停用") {
		t.Fatalf("sessions of a disabled account: %d %s", code, out)
	}
	if code, out := run("", "user", "enable", "ops"); code != 0 || !strings.Contains(out, "已启用账号 ops") || signIn("second long password") != nil {
		t.Fatalf("enable: %d %s", code, out)
	}

	for _, args := range [][]string{{"user", "passwd", "nobody"}, {"user", "disable", "nobody"}, {"user", "sessions", "nobody"}} {
		if code, out := run("a long enough password\n", args...); code != 1 || !strings.Contains(out, "账号 nobody 不存在") {
			t.Errorf("%v: %d %s", args, code, out)
		}
	}
	for _, args := range [][]string{{"user", "passwd"}, {"user", "frobnicate", "ops"}, {"user"}} {
		if code, _ := run("", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestTrustedProxyFlag: --trusted-proxy takes CIDRs and single addresses,
// repeated or comma-separated, and refuses anything else.
func TestTrustedProxyFlag(t *testing.T) {
	var l cidrList
	for _, v := range []string{"10.0.0.0/8", "192.0.2.7, ::1", "2001:db8::/32"} {
		if err := l.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.String(); got != "10.0.0.0/8,192.0.2.7/32,::1/128,2001:db8::/32" {
		t.Fatalf("proxies %s", got)
	}
	for _, bad := range []string{"", "proxy.example", "10.0.0.0/33"} {
		if err := new(cidrList).Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if code, _, errOut := zhinan(t, "serve", "--trusted-proxy", "nonsense", "--data", t.TempDir()); code != 2 {
		t.Errorf("serve with a bad --trusted-proxy: exit %d %s", code, errOut)
	}
}
