package main

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestTokenCommands: `zhinan token add` prints the secret once, an editor
// token saves its department's draft through a running server, `token
// list` shows it with its last use and never the secret, and after
// `token revoke` the next request is 401.
func TestTokenCommands(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := zhinan(t, "import", "--data", data, writeTemp(t, "d.jsonl",
		`{"code":"T-1","base_code":"000000000001","name":"测试事项","type":"公共服务","region":"610921","department":"汉阴县民政局"}`+"\n")); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := zhinan(t, "token", "add", "hotline", "--role", "editor", "--department", "汉阴县民政局", "--region", "610921",
		"--expires", "90d", "--data", data)
	secret := regexp.MustCompile(`(?m)^zn_[A-Za-z0-9_-]{43}$`).FindString(out)
	if code != 0 || secret == "" || !strings.Contains(out, "已创建系统令牌 hotline") {
		t.Fatalf("token add: exit %d %s %s", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token", "add", "hotline", "--role", "auditor"}, 1, "已存在"},
		{[]string{"token", "add", "x1", "--role", "auditor", "--expires", "soon"}, 1, "有效期应为天数"},
		{[]string{"token", "add", "x2", "--role", "editor"}, 1, "部门"},
		{[]string{"token", "add", "--role", "auditor"}, 2, ""},
		{[]string{"token", "revoke", "nobody"}, 1, "不存在"},
		{[]string{"token", "frobnicate"}, 2, ""},
		{[]string{"serve", "--rate-limit", "-1"}, 2, "--rate-limit"},
	} {
		if code, out, errOut := zhinan(t, append(tc.args, "--data", data)...); code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d (want %d): %s %s", tc.args, code, tc.code, out, errOut)
		}
	}

	srv := startServer(t, data)
	call := func(method, path, body string, header map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := call("GET", "/api/v1/items/T-1/draft", "", nil)
	if status != 200 {
		t.Fatalf("draft with the token: %d %s", status, body)
	}
	var doc map[string]any
	json.Unmarshal([]byte(body), &doc)
	doc["conditions"] = "年满十八周岁"
	b, _ := json.Marshal(doc)
	if status, body = call("PUT", "/api/v1/items/T-1/draft", string(b), map[string]string{"If-Match": "1"}); status != 200 {
		t.Fatalf("save with the token: %d %s", status, body)
	}
	if code, out, _ := zhinan(t, "token", "list", "--data", data); code != 0 || !strings.Contains(out, "hotline  editor  汉阴县民政局") ||
		!strings.Contains(out, "127.0.0.1") || strings.Contains(out, secret) || !strings.Contains(out, "有效") {
		t.Fatalf("token list: %d %s", code, out)
	}
	if code, out, errOut := zhinan(t, "token", "revoke", "hotline", "--data", data); code != 0 || !strings.Contains(out, "已吊销") {
		t.Fatalf("token revoke: %d %s %s", code, out, errOut)
	}
	if status, body = call("GET", "/api/v1/items/T-1/draft", "", nil); status != http.StatusUnauthorized || !strings.Contains(body, "invalid_token") {
		t.Fatalf("revoked token: %d %s", status, body)
	}
	if code, out, _ := zhinan(t, "token", "list", "--data", data); code != 0 || !strings.Contains(out, "已吊销") {
		t.Fatalf("token list after revoke: %s", out)
	}
}
