package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// The admin page of system tokens, /admin/tokens (docs/api.md#authentication-with-tokens):
// the list, a form that creates one and shows its secret once, and a
// revoke button per live token. Admins only; the forms carry the
// session's form token like every other.

// canManageTokens reports whether u administers system tokens: whoever
// manages accounts (admins).
func canManageTokens(u *catalog.User) bool {
	return catalog.Allowed(u, catalog.ActionAccount, 0, true)
}

// tokenRow is a line of the token list.
type tokenRow struct {
	store.TokenInfo
	RoleLabel  string
	Scope      string
	Created    string
	Expires    string
	LastUsed   string
	State      string
	StateLabel string
	Live       bool
}

// tokenForm is what the create form was sent, to show again with its
// errors.
type tokenForm struct {
	Name, Role, Department, Region, Expires string
}

// tokensPageData is the data of admin-tokens.html.
type tokensPageData struct {
	Rows    []tokenRow
	Max     int
	Roles   []roleOption
	Form    tokenForm
	Errors  map[string]string // field → message
	Secret  string            // the secret of the token just created, shown once
	Created string            // its name
	Revoked string            // the name of the token just revoked
}

// roleOption is a choice of the role select.
type roleOption struct{ Value, Label string }

// adminUser returns the signed-in admin; it redirects anyone signed out
// to the login page (nil, nil) and refuses anyone else.
func (s *Server) adminUser(c *gin.Context) (*catalog.User, error) {
	u := s.signedIn(c)
	if u == nil {
		return nil, nil
	}
	if !canManageTokens(u) {
		return nil, catalog.ErrForbidden
	}
	return u, nil
}

func (s *Server) tokensPage(c *gin.Context) error {
	u, err := s.adminUser(c)
	if u == nil {
		return err
	}
	p := tokensPageData{Revoked: c.Query("revoked")}
	return s.renderTokens(c, http.StatusOK, &p)
}

// renderTokens fills the list and renders the page.
func (s *Server) renderTokens(c *gin.Context, status int, p *tokensPageData) error {
	ts, err := s.store.Tokens(c.Request.Context())
	if err != nil {
		return err
	}
	now := s.now()
	for _, t := range ts {
		if at, from := s.tokenUses.lastUse(t.Name); !at.IsZero() && (t.LastUsedAt == nil || at.After(*t.LastUsedAt)) {
			t.LastUsedAt, t.LastUsedFrom = &at, from // this process saw a later use than the store keeps yet
		}
		r := tokenRow{TokenInfo: t, RoleLabel: label("role." + t.Role), Created: showTime(t.CreatedAt),
			Expires: label("tokens.never"), LastUsed: label("tokens.unused"), State: t.State(now)}
		r.StateLabel, r.Live = label("tokens.state."+r.State), r.State == store.TokenActive
		switch {
		case t.Department != "":
			r.Scope = t.Department + "（" + s.regions.name(t.Region) + "）"
		case t.Region != "":
			r.Scope = s.regions.name(t.Region)
		default:
			r.Scope = label("tokens.scope.all")
		}
		if t.ExpiresAt != nil {
			r.Expires = showTime(*t.ExpiresAt)
		}
		if t.LastUsedAt != nil {
			r.LastUsed = showTime(*t.LastUsedAt) + " " + t.LastUsedFrom
		}
		p.Rows = append(p.Rows, r)
	}
	if p.Revoked != "" && !slices.ContainsFunc(p.Rows, func(r tokenRow) bool { return r.Name == p.Revoked && r.State == store.TokenRevoked }) {
		p.Revoked = "" // ?revoked= names no revoked token: say nothing rather than echo it
	}
	p.Max = store.MaxTokens
	for _, r := range catalog.Roles {
		p.Roles = append(p.Roles, roleOption{Value: r, Label: label("role." + r)})
	}
	s.render(c, status, "admin-tokens", s.editLayout(c, label("tokens.title"), "page-admin-tokens", p))
	return nil
}

// tokenCreatePost is POST /admin/tokens: creates a token and shows its
// secret on the answer, once; a wrong field shows the form again (422).
func (s *Server) tokenCreatePost(c *gin.Context) error {
	u, err := s.adminUser(c)
	if u == nil {
		return err
	}
	if err := s.readForm(c); err != nil {
		return err
	}
	f := tokenForm{Name: strings.TrimSpace(c.PostForm("name")), Role: strings.TrimSpace(c.PostForm("role")),
		Department: strings.TrimSpace(c.PostForm("department")), Region: strings.TrimSpace(c.PostForm("region")),
		Expires: strings.TrimSpace(c.PostForm("expires"))}
	p := tokensPageData{Form: f}
	expires, err := store.ParseTokenExpiry(f.Expires, s.now())
	var secret string
	if err == nil {
		var info *store.TokenInfo
		secret, info, err = s.store.AddToken(c.Request.Context(), store.NewToken{Name: f.Name, Role: f.Role,
			Department: f.Department, Region: f.Region, ExpiresAt: expires, By: u.Name})
		if err == nil {
			p.Secret, p.Created, p.Form = secret, info.Name, tokenForm{}
			c.Header("Cache-Control", noStore)
			return s.renderTokens(c, http.StatusOK, &p)
		}
	}
	var verr *catalog.ValidationError
	switch {
	case errors.As(err, &verr):
		p.Errors = map[string]string{}
		for _, fe := range verr.Errors {
			p.Errors[fe.Field] = fe.Message
		}
	case errors.Is(err, catalog.ErrConflict):
		p.Errors = map[string]string{"name": label("tokens.err.exists")}
	default:
		return err
	}
	return s.renderTokens(c, http.StatusUnprocessableEntity, &p)
}

// tokenRevokePost is POST /admin/tokens/NAME/revoke.
func (s *Server) tokenRevokePost(c *gin.Context) error {
	u, err := s.adminUser(c)
	if u == nil {
		return err
	}
	if err := s.readForm(c); err != nil {
		return err
	}
	name := c.Param("name")
	if err := s.store.RevokeToken(c.Request.Context(), name, u.Name); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/tokens?revoked="+url.QueryEscape(name))
	return nil
}
