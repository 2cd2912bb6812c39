package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"zhinan/static"
)

// assets serves the embedded static files under content-hashed names
// (app.css → /static/app.3f2a9c1d.css), so they can be cached forever and a
// new build is never served a stale copy.
type assets struct {
	byURL  map[string]asset  // fingerprinted URL path → file
	urlFor map[string]string // file name → fingerprinted URL path
}

type asset struct {
	body        []byte
	contentType string
}

// assetPrefix is where static files are served.
const assetPrefix = "/static/"

func loadAssets() (*assets, error) {
	a := &assets{byURL: map[string]asset{}, urlFor: map[string]string{}}
	err := fs.WalkDir(static.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.Files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		url := assetPrefix + strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byURL[url] = asset{body: body, contentType: ct}
		a.urlFor[p] = url
		return nil
	})
	return a, err
}

// url returns the fingerprinted URL of a static file; templates call it.
func (a *assets) url(name string) string {
	if u, ok := a.urlFor[name]; ok {
		return u
	}
	panic("web: no static file " + name)
}

func (a *assets) serve(c *gin.Context) {
	f, ok := a.byURL[c.Request.URL.Path]
	if !ok {
		c.Status(http.StatusNotFound)
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, f.contentType, f.body)
}
