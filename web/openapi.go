package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// OpenAPIYAML is the API's OpenAPI 3.1 document as written (web/openapi.yaml):
// GET /api/v1/openapi.json serves it as JSON and /api/docs shows it. The
// test suite validates every API response it records against it.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

// cacheOpenAPI: the document changes only with a release.
const cacheOpenAPI = "public, max-age=3600"

// apiDocument is the OpenAPI document as served: its JSON, and the
// human-readable page made of it.
type apiDocument struct {
	json []byte
	page apiDocPage
}

// loadAPIDocument converts the embedded document to JSON once and builds
// the page.
func loadAPIDocument() (*apiDocument, error) {
	j, err := yaml.YAMLToJSON(OpenAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	var doc oasDocument
	if err := json.Unmarshal(j, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return &apiDocument{json: j, page: doc.page()}, nil
}

// openAPI answers GET /api/v1/openapi.json.
func (s *Server) openAPI(c *gin.Context) error {
	writeJSONCached(c, s.apiDoc.json, cacheOpenAPI)
	return nil
}

// apiDocsPage answers GET /api/docs: the document as a page, rendered on
// the server (no script, nothing from another host).
func (s *Server) apiDocsPage(c *gin.Context) error {
	s.render(c, http.StatusOK, "api-docs", s.layout(c, label("apidoc.title"), "page-api-docs", s.apiDoc.page))
	return nil
}

// oasDocument is the part of an OpenAPI document the page shows.
type oasDocument struct {
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Summary     string `json:"summary"`
		Description string `json:"description"`
	} `json:"info"`
	Tags []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"tags"`
	Paths      map[string]map[string]oasOperation `json:"paths"`
	Components struct {
		Parameters map[string]oasParameter `json:"parameters"`
		Responses  map[string]oasResponse  `json:"responses"`
		Schemas    map[string]oasSchema    `json:"schemas"`
	} `json:"components"`
}

type oasOperation struct {
	Tags        []string               `json:"tags"`
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary"`
	Description string                 `json:"description"`
	Security    []map[string][]string  `json:"security"`
	Parameters  []oasParameter         `json:"parameters"`
	RequestBody *oasResponse           `json:"requestBody"`
	Responses   map[string]oasResponse `json:"responses"`
}

type oasParameter struct {
	Ref         string     `json:"$ref"`
	Name        string     `json:"name"`
	In          string     `json:"in"`
	Description string     `json:"description"`
	Required    bool       `json:"required"`
	Schema      *oasSchema `json:"schema"`
}

// oasResponse is a response or a request body: a description and content.
type oasResponse struct {
	Ref         string `json:"$ref"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Content     map[string]struct {
		Schema *oasSchema `json:"schema"`
	} `json:"content"`
}

type oasSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 any                  `json:"type"`
	Description          string               `json:"description"`
	Enum                 []any                `json:"enum"`
	Items                *oasSchema           `json:"items"`
	Properties           map[string]oasSchema `json:"properties"`
	Required             []string             `json:"required"`
	AllOf                []oasSchema          `json:"allOf"`
	OneOf                []oasSchema          `json:"oneOf"`
	AdditionalProperties any                  `json:"additionalProperties"`
}

// The page's view of the document.
type (
	apiDocPage struct {
		Title, Version, Summary, Description string
		Tags                                 []apiDocTag
		Schemas                              []apiDocSchema
	}
	apiDocTag struct {
		Name, Description string
		Ops               []apiDocOp
	}
	apiDocOp struct {
		Method, Path, ID, Summary, Description string
		Public                                 bool
		Params                                 []apiDocField
		Body                                   apiDocType
		Responses                              []apiDocResponse
	}
	// apiDocType is a body's type: a named schema (Named) links to it.
	apiDocType struct {
		Name  string
		Named bool
	}
	apiDocResponse struct {
		Status, Description string
		Schema              apiDocType
	}
	apiDocSchema struct {
		Name, Description string
		Fields            []apiDocField
	}
	apiDocField struct {
		Name, In, Type, Description string
		Required                    bool
	}
)

// methodOrder is the order of an operation's methods on the page.
var methodOrder = []string{"get", "post", "put", "delete"}

func (d *oasDocument) page() apiDocPage {
	p := apiDocPage{Title: d.Info.Title, Version: d.Info.Version, Summary: d.Info.Summary, Description: d.Info.Description}
	paths := slices.Sorted(maps.Keys(d.Paths))
	byTag := map[string][]apiDocOp{}
	for _, path := range paths {
		for _, m := range methodOrder {
			op, ok := d.Paths[path][m]
			if !ok {
				continue
			}
			tag := ""
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], d.operation(strings.ToUpper(m), path, op))
		}
	}
	for _, t := range d.Tags {
		if ops := byTag[t.Name]; len(ops) > 0 {
			p.Tags = append(p.Tags, apiDocTag{Name: t.Name, Description: t.Description, Ops: ops})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Components.Schemas)) {
		p.Schemas = append(p.Schemas, d.schema(name, d.Components.Schemas[name]))
	}
	return p
}

func (d *oasDocument) operation(method, path string, op oasOperation) apiDocOp {
	o := apiDocOp{Method: method, Path: path, ID: op.OperationID, Summary: op.Summary, Description: op.Description, Public: isPublic(op.Security)}
	for _, prm := range op.Parameters {
		if prm.Ref != "" {
			prm = d.Components.Parameters[refName(prm.Ref)]
		}
		o.Params = append(o.Params, apiDocField{Name: prm.Name, In: prm.In, Type: typeOf(prm.Schema), Description: prm.Description, Required: prm.Required})
	}
	if op.RequestBody != nil {
		o.Body = contentType(op.RequestBody.Content)
	}
	for _, st := range slices.Sorted(maps.Keys(op.Responses)) {
		r := op.Responses[st]
		if r.Ref != "" {
			r = d.Components.Responses[refName(r.Ref)]
		}
		o.Responses = append(o.Responses, apiDocResponse{Status: st, Description: r.Description, Schema: contentType(r.Content)})
	}
	return o
}

// schema lists a named schema's fields, those of its allOf parts included.
func (d *oasDocument) schema(name string, s oasSchema) apiDocSchema {
	out := apiDocSchema{Name: name, Description: s.Description}
	var add func(s oasSchema)
	add = func(s oasSchema) {
		if s.Ref != "" {
			add(d.Components.Schemas[refName(s.Ref)])
			return
		}
		for _, part := range s.AllOf {
			add(part)
		}
		for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
			if slices.ContainsFunc(out.Fields, func(f apiDocField) bool { return f.Name == k }) {
				continue
			}
			ps := s.Properties[k]
			out.Fields = append(out.Fields, apiDocField{Name: k, Type: typeOf(&ps), Description: ps.Description, Required: slices.Contains(s.Required, k)})
		}
	}
	add(s)
	if len(out.Fields) == 0 && out.Description == "" {
		out.Description = typeOf(&s)
	}
	return out
}

// isPublic reports whether an operation's security allows no credential.
func isPublic(sec []map[string][]string) bool {
	return slices.ContainsFunc(sec, func(m map[string][]string) bool { return len(m) == 0 })
}

// contentType names the schema of a body.
func contentType(content map[string]struct {
	Schema *oasSchema `json:"schema"`
}) apiDocType {
	for _, c := range content {
		return apiDocType{Name: typeOf(c.Schema), Named: c.Schema != nil && c.Schema.Ref != ""}
	}
	return apiDocType{}
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// typeOf writes a schema's type briefly: a named schema by its name, an
// array as []T, an enumeration by its values.
func typeOf(s *oasSchema) string {
	switch {
	case s == nil:
		return ""
	case s.Ref != "":
		return refName(s.Ref)
	case len(s.Enum) > 0:
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = fmt.Sprint(v)
		}
		return strings.Join(vals, " | ")
	case len(s.AllOf) == 1:
		return typeOf(&s.AllOf[0])
	case len(s.OneOf) > 0:
		alts := make([]string, len(s.OneOf))
		for i := range s.OneOf {
			alts[i] = typeOf(&s.OneOf[i])
		}
		return strings.Join(alts, " | ")
	}
	switch t := s.Type.(type) {
	case string:
		if t == "array" {
			return "[]" + typeOf(s.Items)
		}
		return t
	case []any:
		alts := make([]string, len(t))
		for i, v := range t {
			alts[i] = fmt.Sprint(v)
		}
		return strings.Join(alts, " | ")
	}
	return "any"
}
