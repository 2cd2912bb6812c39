package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// withdrawBody is the body of POST /api/v1/items/{code}/withdraw.
type withdrawBody struct {
	Reason string `json:"reason"`
}

// apiWithdraw takes a published item out of the published catalogue
// (事项下架, docs/api.md#withdraw): a reviewer's or admin's step, with a
// required reason. It answers the item's working edition afterwards, as
// the other workflow steps do; an item without a published edition is
// 409 not_published.
func (s *Server) apiWithdraw(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	var b withdrawBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	code := c.Param("code")
	if err := s.store.Withdraw(c.Request.Context(), a, code, b.Reason); err != nil {
		if errors.Is(err, store.ErrNotPublished) {
			return &Error{Status: http.StatusConflict, Code: "not_published", Message: MsgNotPublished}
		}
		return err
	}
	s.changed()
	w, err := s.itemLatest(c.Request.Context(), a, code)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"edition": w.Edition, "state": w.State})
	return nil
}

// withdrawPost is POST /review/items/{code}/withdraw, the withdraw form of
// the review page: withdrawn, back to the workbench; refused, the review
// page with the reason given and why (422), or the conflict (409: the
// item has no published edition any more).
func (s *Server) withdrawPost(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if err := s.readForm(c); err != nil {
		return err
	}
	if !canReview(u) {
		return catalog.ErrForbidden
	}
	code := c.Param("code")
	reason := formText(c.PostForm("reason"))
	err := s.store.Withdraw(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, code, reason)
	if err == nil {
		s.changed()
		c.Redirect(http.StatusSeeOther, "/edit?withdrawn="+url.QueryEscape(code))
		return nil
	}
	var verr *catalog.ValidationError
	status := http.StatusConflict
	switch {
	case errors.As(err, &verr):
		status = http.StatusUnprocessableEntity
	case errors.Is(err, catalog.ErrConflict):
	default:
		return err
	}
	p, err := s.reviewData(c, u, code)
	if err != nil {
		return err
	}
	p.Withdraw.Value = reason
	if verr != nil {
		for _, e := range verr.Errors {
			p.Withdraw.Errors = append(p.Withdraw.Errors, e.Message)
			p.Errors = append(p.Errors, issue{Label: label("review.withdraw.reason"), Message: e.Message, Anchor: "#f-withdraw-reason"})
		}
	} else {
		p.Conflict = true
	}
	s.render(c, status, "edit-review", s.editLayout(c, label("edit.errors.prefix")+tf("review.title", p.Name), "page-review", p))
	return nil
}
