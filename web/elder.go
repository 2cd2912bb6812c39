package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// elderCookie remembers the 长辈版 (the elderly-friendly mode of the 适老化
// rules): larger type, higher contrast, bigger touch targets and results
// without facets. The layout gives the body the class "elder" while it is
// set (layoutData.Elder); the switch is a plain link, so it works without
// JavaScript.
const elderCookie = "elder"

// elderCookieDays is how long the 长辈版 is remembered, as the region is.
const elderCookieDays = regionCookieDays

// elderMode reports whether the citizen switched the 长辈版 on.
func elderMode(c *gin.Context) bool {
	v, err := c.Cookie(elderCookie)
	return err == nil && v == "1"
}

// elderSwitch is the layout's link that turns the 长辈版 on (or off, when
// it is on) and comes back to the page at here.
func elderSwitch(on bool, here string) string {
	v := url.Values{"on": {"1"}, "next": {here}}
	if on {
		v.Set("on", "0")
	}
	return "/elder?" + v.Encode()
}

// setElder turns the 长辈版 on (on=1) or off (anything else) and goes back
// to the page the citizen came from: only a local path, no open redirect.
func (s *Server) setElder(c *gin.Context) error {
	value, maxAge := "1", elderCookieDays*24*3600
	if c.Query("on") != "1" {
		value, maxAge = "", -1
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(elderCookie, value, maxAge, "/", "", s.secureRequest(c), true)
	c.Redirect(http.StatusSeeOther, localPath(c.Query("next"), "/"))
	return nil
}
