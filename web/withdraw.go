package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

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
