package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhinan/store"
)

// maxBodyBytes bounds every request body: a guide with all its materials,
// steps and basis texts is a few tens of kilobytes.
const maxBodyBytes = 1 << 20

// limitBody caps request bodies at maxBodyBytes; reading past it fails
// and decodeJSON answers 413.
func limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
	}
	c.Next()
}

var errTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: MsgTooLarge}

// decodeJSON decodes a JSON request body into v, refusing unknown fields
// and anything but white space after the JSON value: 413 when the body is
// over the limit, 400 when it is not one valid JSON value.
func decodeJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// One value only: the rest of the body must be white space.
		if _, terr := dec.Token(); terr != io.EOF {
			err = terr
			if err == nil {
				err = errors.New(MsgTrailingJSON)
			}
		}
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return badRequest("body", MsgBadJSON+"："+err.Error())
	}
	return nil
}

// formSecret is the key of the form tokens, kept in the settings table so
// that tokens survive a restart and hold across replicas.
func formSecret(ctx context.Context, st *store.Store) ([]byte, error) {
	const key = "form_secret"
	v, err := st.Setting(ctx, key)
	if err != nil {
		return nil, err
	}
	if v == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		v = hex.EncodeToString(b)
		if err := st.SetSetting(ctx, key, v); err != nil {
			return nil, err
		}
	}
	return hex.DecodeString(v)
}

func itoa(n int) string { return strconv.Itoa(n) }
