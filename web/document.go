package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
)

// readOnlyMembers are the members the API answers beside an item's guide
// fields: GET …/draft's edition metadata, findings and checks, and GET
// /api/v1/items/{code}'s flags, edition and updated_at. A document read
// from either may be sent back to PUT …/draft or POST /api/v1/items as it
// is (docs/api.md#round-trips): these members are compared with the
// server's and otherwise ignored; any other member not a guide field is
// refused, as before.
var readOnlyMembers = []string{"edition", "state", "published", "note", "reason", "author", "created_at",
	"findings", "checks", "flags", "updated_at"}

// decodeDocument decodes an item document: its guide fields as the item,
// and the read-only members it carries, as sent.
func decodeDocument(c *gin.Context) (*catalog.Item, map[string]json.RawMessage, error) {
	var doc map[string]json.RawMessage
	if err := decodeJSON(c, &doc); err != nil {
		return nil, nil, err
	}
	if doc == nil {
		return nil, nil, badRequest("body", MsgBadJSON)
	}
	readOnly := map[string]json.RawMessage{}
	for _, k := range readOnlyMembers {
		if v, ok := doc[k]; ok {
			readOnly[k] = v
			delete(doc, k)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	var it catalog.Item
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		return nil, nil, badRequest("body", MsgBadJSON+"："+err.Error())
	}
	return &it, readOnly, nil
}

// checkReadOnly compares the read-only members a client sent with the
// server's values, the members of server's JSON: a different edition is a
// conflict (409: the document was read from another edition), any other
// difference a 400 naming the member. A member the server does not answer
// may be sent as null only.
func checkReadOnly(sent map[string]json.RawMessage, server any) error {
	if len(sent) == 0 {
		return nil
	}
	b, err := json.Marshal(server)
	if err != nil {
		return err
	}
	var have map[string]json.RawMessage
	if err := json.Unmarshal(b, &have); err != nil {
		return err
	}
	keys := make([]string, 0, len(sent))
	for k := range sent {
		keys = append(keys, k)
	}
	// The edition first: a document of another edition differs in more.
	slices.Sort(keys)
	if i := slices.Index(keys, "edition"); i > 0 {
		keys = append([]string{"edition"}, slices.Delete(keys, i, i+1)...)
	}
	for _, k := range keys {
		if equalJSONValues(sent[k], have[k]) {
			continue
		}
		if k == "edition" {
			return toError(catalog.ErrConflict)
		}
		return badRequest(k, fmt.Sprintf(MsgReadOnly, k))
	}
	return nil
}

// equalJSONValues reports whether two JSON values are equal as values (member
// order, spacing and number spelling aside); a missing value is null.
func equalJSONValues(a, b json.RawMessage) bool {
	var x, y any
	if len(a) > 0 && json.Unmarshal(a, &x) != nil {
		return false
	}
	if len(b) > 0 && json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
