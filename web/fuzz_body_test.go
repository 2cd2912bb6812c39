package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
)

// FuzzDecodeJSONBody: whatever a client sends as an item body, decoding
// either fills the item or refuses with a 4xx error, never panics or
// reports a server error.
func FuzzDecodeJSONBody(f *testing.F) {
	for _, s := range []string{`{"code":"A","name":"x"}`, `{"code":"A"} trailing`, `{"nope":1}`, `[`, ``, `{"materials":[{"name":1}]}`, "\xff"} {
		f.Add([]byte(s))
	}
	gin.SetMode(gin.TestMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/items", bytes.NewReader(body))
		var it catalog.Item
		err := decodeJSON(c, &it)
		if err == nil {
			return
		}
		e := toError(err)
		if e.Status < 400 || e.Status >= 500 {
			t.Fatalf("%q: status %d", body, e.Status)
		}
	})
}
