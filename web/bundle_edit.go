package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// The editor pages of bundles (一件事一次办): the list, the form (new and
// existing), review with the comparison of two editions. Bundles are
// city-wide: bundle editors (catalog.RoleBundle) and admins edit them,
// reviewers of the whole catalogue publish them (catalog.AllowedBundle,
// store.Store.BundleAllowed); the store checks every step.

// bundleAccess says what a user may do with bundles.
type bundleAccess struct{ Read, Edit, Review bool }

func (s *Server) bundleAccess(c *gin.Context, u *catalog.User) (bundleAccess, error) {
	var a bundleAccess
	var err error
	ctx := c.Request.Context()
	if a.Read, err = s.store.BundleAllowed(ctx, u, catalog.ActionRead); err != nil {
		return a, err
	}
	if a.Edit, err = s.store.BundleAllowed(ctx, u, catalog.ActionEdit); err != nil {
		return a, err
	}
	a.Review, err = s.store.BundleAllowed(ctx, u, catalog.ActionReview)
	return a, err
}

// bundleEditRow is a line of the bundle lists.
type bundleEditRow struct {
	store.BundleQueueEntry
	StateLabel string
	Created    string
	Submitted  string
}

// bundleRows is the list of bundles u sees: every bundle for editors and
// admins, the submitted ones for reviewers, the published ones for anyone
// else who may read bundles.
func (s *Server) bundleRows(c *gin.Context, u *catalog.User, acc bundleAccess) ([]bundleEditRow, error) {
	ctx := c.Request.Context()
	a := store.Actor{User: u, Remote: clientIP(c)}
	var q []store.BundleQueueEntry
	var err error
	switch {
	case acc.Edit && u.Role == catalog.RoleAdmin:
		// The store gives an admin the review queue; the list is every
		// bundle, as a bundle editor sees it.
		q, err = s.store.BundleQueue(ctx, store.Actor{User: &catalog.User{ID: u.ID, Name: u.Name, Role: catalog.RoleBundle}, Remote: a.Remote})
	case acc.Edit || acc.Review:
		q, err = s.store.BundleQueue(ctx, a)
	default:
		var ps []catalog.PublishedBundle
		if ps, err = s.store.PublishedBundles(ctx); err == nil {
			for _, p := range ps {
				q = append(q, store.BundleQueueEntry{Code: p.Code, Name: p.Name, QueueEdition: store.QueueEdition{Edition: p.Edition,
					State: catalog.StatePublished, Published: p.Edition, CreatedAt: p.UpdatedAt}})
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return newBundleEditRows(q), nil
}

// newBundleEditRows are the lines of a bundle list or review queue.
func newBundleEditRows(q []store.BundleQueueEntry) []bundleEditRow {
	out := make([]bundleEditRow, 0, len(q))
	for _, e := range q {
		out = append(out, bundleEditRow{BundleQueueEntry: e, StateLabel: stateLabel(e.State), Created: showTime(e.CreatedAt),
			Submitted: showTimePtr(e.SubmittedAt)})
	}
	return out
}

// workbenchBundles adds the bundles to the workbench of a user who may
// edit or review them.
func (s *Server) workbenchBundles(c *gin.Context, u *catalog.User, p *workbenchPage) error {
	acc, err := s.bundleAccess(c, u)
	if err != nil || !(acc.Edit || acc.Review) {
		return err
	}
	p.BundleEdit, p.BundleReview = acc.Edit, acc.Review
	if acc.Review {
		rows, err := s.store.BundleQueue(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)})
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			p.BundleQueue = newBundleEditRows(rows)
		}
	}
	if acc.Edit && u.Role == catalog.RoleBundle {
		rows, err := s.bundleRows(c, u, acc)
		if err != nil {
			return err
		}
		p.BundleQueue = rows
	}
	return nil
}

// ---------------------------------------------------------------- list

type bundleEditListPage struct {
	Rows    []bundleEditRow
	Access  bundleAccess
	Notice  string
	Reviews bool // the rows are a review queue
}

// bundleListGet is GET /edit/bundles.
func (s *Server) bundleListGet(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	acc, err := s.bundleAccess(c, u)
	if err != nil {
		return err
	}
	if !acc.Read {
		return catalog.ErrForbidden
	}
	p := bundleEditListPage{Access: acc, Reviews: acc.Review && !acc.Edit}
	if p.Rows, err = s.bundleRows(c, u, acc); err != nil {
		return err
	}
	for _, n := range []struct{ param, key string }{{"published", "ebundle.notice.published"}, {"rejected", "ebundle.notice.rejected"}} {
		if v := c.Query(n.param); v != "" {
			p.Notice = tf(n.key, v)
		}
	}
	s.render(c, http.StatusOK, "edit-bundles", s.editLayout(c, label("ebundle.list.title"), "page-bundles", p))
	return nil
}

// ---------------------------------------------------------------- form

type bundleEditRowView struct {
	Legend        string
	Fields        []formField
	Blank         bool
	Up, Down, Del string
}

type bundleEditListView struct {
	Key, ID, Title, AddLabel string
	Rows                     []bundleEditRowView
	Errors                   []string
}

type bundleEditPage struct {
	editHead
	New    bool
	Fields []formField
	Lists  []bundleEditListView
	Note   formField
	Errors []issue
}

// Kind is the path segment of bundles (/bundles/, /review/bundles/).
func (*bundleEditPage) Kind() string { return "bundles" }

// bundleEditView is how one bundle form is drawn.
type bundleEditView struct {
	w        *store.BundleWorking // nil for a new bundle
	form     *bundleForm
	base     int
	note     string
	errs     []catalog.FieldError
	focus    string
	conflict *conflictView
	busy     bool
}

// bundleFieldLabel names a field of the bundle form.
func bundleFieldLabel(path string) string {
	if path == "" {
		return ""
	}
	list, rest, ok := strings.Cut(path, "[")
	if !ok {
		if l, ok := labels["ebundle.f."+path]; ok {
			return l
		}
		return pathLabel(path)
	}
	idx, sub, _ := strings.Cut(rest, "]")
	n, _ := strconv.Atoi(idx)
	out := label("ebundle.f."+list) + tf("form.row", n+1)
	sub = strings.TrimPrefix(sub, ".")
	name, _, _ := strings.Cut(sub, "[")
	if name != "" {
		if l, ok := labels["ebundle.f."+list+"."+name]; ok {
			out += l
		}
	}
	return out
}

func (s *Server) bundlePageData(c *gin.Context, v bundleEditView) (*bundleEditPage, error) {
	es, err := s.store.Entries(c.Request.Context())
	if err != nil {
		return nil, err
	}
	errs := map[string][]string{}
	ids := map[string]string{}
	anchor := func(path string) string {
		path = v.form.formPath(path)
		for _, l := range bundleLists {
			if rest, ok := strings.CutPrefix(path, l.Key+"["); ok {
				idx, sub, _ := strings.Cut(rest, "]")
				sub, _, _ = strings.Cut(strings.TrimPrefix(sub, "."), "[")
				if n, err := strconv.Atoi(idx); err == nil && n < len(v.form.Rows[l.Key]) && containsString(l.Subs, sub) {
					return l.Key + "[" + idx + "]." + sub
				}
				return l.Key
			}
		}
		if path == "ask_phrases" || strings.HasPrefix(path, "ask_phrases[") {
			return "ask_phrases"
		}
		if strings.HasPrefix(path, "themes[") {
			return "themes"
		}
		return path
	}
	for _, e := range v.errs {
		a := anchor(e.Field)
		errs[a] = append(errs[a], e.Message)
	}
	control := func(path, name, lbl, kind, value string) formField {
		id := fieldID(name)
		ids[path] = id
		if kind == "text" && strings.Contains(value, "\n") {
			kind = "textarea"
		}
		return formField{Name: name, ID: id, Label: lbl, Kind: kind, Value: value, Errors: errs[path], Autofocus: name == v.focus}
	}
	p := &bundleEditPage{New: v.w == nil, editHead: newEditHead("", "", "/edit/bundles/new", v.base, nil, v.conflict, v.busy)}
	if w := v.w; w != nil {
		p.editHead = newEditHead(w.Code, w.Name, "/edit/bundles/"+url.PathEscape(w.Code), v.base, &w.WorkingEdition, v.conflict, v.busy)
	}
	for _, k := range bundleScalars {
		kind := "text"
		if k == "description" || k == "ask_phrases" {
			kind = "textarea"
		}
		ff := control(k, k, label("ebundle.f."+k), kind, v.form.Values[k])
		if h, ok := labels["ebundle.hint."+k]; ok {
			ff.Hint = h
		}
		switch k {
		case "code":
			ff.Required, ff.ReadOnly = true, v.w != nil
		case "name":
			ff.Required = true
		}
		p.Fields = append(p.Fields, ff)
	}
	entryOpts := []option{{Value: "", Label: label("form.choose")}}
	for _, e := range es {
		entryOpts = append(entryOpts, option{Value: e.BaseCode, Label: tf("new.entry.option", e.BaseCode, e.Name, e.Type)})
	}
	for _, l := range bundleLists {
		lv := bundleEditListView{Key: l.Key, ID: fieldID("b-" + l.Key), Title: label("ebundle.f." + l.Key),
			AddLabel: label("ebundle.add." + l.Key), Errors: errs[l.Key]}
		ids[l.Key] = lv.ID
		rows := v.form.Rows[l.Key]
		for i, r := range rows {
			rv := bundleEditRowView{Legend: lv.Title + " " + tf("form.row", i+1), Blank: r.blank(),
				Del: "del:" + l.Key + ":" + strconv.Itoa(i)}
			if i > 0 {
				rv.Up = "up:" + l.Key + ":" + strconv.Itoa(i)
			}
			if i+1 < len(rows) {
				rv.Down = "down:" + l.Key + ":" + strconv.Itoa(i)
			}
			for _, sub := range l.Subs {
				kind := "text"
				switch {
				case l.Key == "steps" && sub == "base_code":
					kind = "select"
				case sub == "stage":
					kind = "number"
				case sub == "same":
					kind = "textarea"
				}
				ff := control(rowPath(l.Key, i, sub), rowName(l.Key, i, sub), label("ebundle.f."+l.Key+"."+sub), kind, r[sub])
				if h, ok := labels["ebundle.hint."+l.Key+"."+sub]; ok {
					ff.Hint = h
				}
				if kind == "select" {
					ff.Options = labelled(append([]option(nil), entryOpts...), ff.Value)
				}
				rv.Fields = append(rv.Fields, ff)
			}
			lv.Rows = append(lv.Rows, rv)
		}
		p.Lists = append(p.Lists, lv)
	}
	p.Note = control("note", "note", label("edit.note"), "textarea", v.note)
	p.Note.Hint = label("edit.note.hint")
	for _, e := range v.errs {
		fp := v.form.formPath(e.Field)
		is := issue{Label: bundleFieldLabel(fp), Message: e.Message}
		if id, ok := ids[anchor(e.Field)]; ok {
			is.Anchor = "#" + id
		}
		p.Errors = append(p.Errors, is)
	}
	return p, nil
}

func (s *Server) renderBundle(c *gin.Context, status int, v bundleEditView) error {
	if len(v.form.Rows["steps"]) == 0 {
		v.form.Rows["steps"] = []formRow{{}}
	}
	p, err := s.bundlePageData(c, v)
	if err != nil {
		return err
	}
	title := label("ebundle.new.title")
	if v.w != nil {
		title = tf("ebundle.edit.title", v.w.Name)
	}
	if len(p.Errors) > 0 {
		title = label("edit.errors.prefix") + title
	}
	s.render(c, status, "edit-bundle", s.editLayout(c, title, "page-edit-bundle", p))
	return nil
}

// needBundleEdit signs in and checks that the user edits bundles.
func (s *Server) needBundleEdit(c *gin.Context) (*catalog.User, error) {
	u := s.signedIn(c)
	if u == nil {
		return nil, nil
	}
	ok, err := s.store.BundleAllowed(c.Request.Context(), u, catalog.ActionEdit)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, catalog.ErrForbidden
	}
	return u, nil
}

// bundleNewGet is GET /edit/bundles/new.
func (s *Server) bundleNewGet(c *gin.Context) error {
	u, err := s.needBundleEdit(c)
	if u == nil {
		return err
	}
	f := newBundleForm()
	f.Rows["steps"] = []formRow{{}, {}}
	return s.renderBundle(c, http.StatusOK, bundleEditView{form: f})
}

// bundleEditGet is GET /edit/bundles/{code}: the form of the working
// edition; readers who do not edit go to the review page.
func (s *Server) bundleEditGet(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	code := c.Param("code")
	w, err := s.store.BundleDraft(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, code)
	if err != nil {
		return err
	}
	if ok, err := s.store.BundleAllowed(c.Request.Context(), u, catalog.ActionEdit); err != nil || !ok {
		if err != nil {
			return err
		}
		c.Redirect(http.StatusSeeOther, "/review/bundles/"+url.PathEscape(code))
		return nil
	}
	v := bundleEditView{w: w, form: bundleFormOf(&w.Bundle), base: w.Edition}
	if w.State == catalog.StateDraft {
		v.note = w.Note
	}
	p, err := s.bundlePageData(c, v)
	if err != nil {
		return err
	}
	p.notices(c)
	s.render(c, http.StatusOK, "edit-bundle", s.editLayout(c, tf("ebundle.edit.title", w.Name), "page-edit-bundle", p))
	return nil
}

// bundlePost is POST /edit/bundles/new and /edit/bundles/{code}: a row
// button, save or submit.
func (s *Server) bundlePost(create bool) pageFunc {
	return func(c *gin.Context) error {
		u, err := s.needBundleEdit(c)
		if u == nil {
			return err
		}
		if err := s.readForm(c); err != nil {
			return err
		}
		ctx := c.Request.Context()
		a := store.Actor{User: u, Remote: clientIP(c)}
		form := parseBundleForm(c.Request.PostForm)
		note := formText(c.PostForm("note"))
		v := bundleEditView{form: form, note: note}
		code := strings.TrimSpace(form.Values["code"])
		if !create {
			code = c.Param("code")
			if v.w, err = s.store.BundleDraft(ctx, a, code); err != nil {
				return err
			}
			form.Values["code"] = code
			if v.base, err = formBase(c); err != nil {
				return err
			}
		}
		if act := c.PostForm("row"); act != "" {
			focus, ok := form.rowAction(act)
			if !ok {
				return badRequest("row", label("form.err.action"))
			}
			v.focus = focus
			return s.renderBundle(c, http.StatusOK, v)
		}
		action := c.PostForm("action")
		if action == "" && c.PostForm("rebase") != "" {
			action = actionSave
		}
		if action != actionSave && action != actionSubmit {
			return badRequest("action", label("form.err.action"))
		}
		b, perrs := form.bundle()
		if errs := s.bundleErrors(c, perrs, b); len(errs) > 0 {
			v.errs = errs
			return s.renderBundle(c, http.StatusUnprocessableEntity, v)
		}
		n := v.base
		changed := create || v.w.State != catalog.StateDraft || bundleJSON(&v.w.Bundle) != bundleJSON(b) ||
			(note != "" && note != v.w.Note && action == actionSave)
		if changed {
			if n, err = s.store.SaveBundle(ctx, a, code, v.base, b, note); err != nil {
				return s.bundleFailed(c, v, code, err)
			}
			s.changed()
		}
		if action == actionSubmit {
			if err := s.store.SubmitBundle(ctx, a, code, n, note); err != nil {
				if n != v.base {
					// The draft is saved; the form now stands on it.
					w, derr := s.store.BundleDraft(ctx, a, code)
					if derr != nil {
						return derr
					}
					v.w, v.base = w, n
				}
				return s.bundleFailed(c, v, code, err)
			}
			s.changed()
			c.Redirect(http.StatusSeeOther, "/edit/bundles/"+url.PathEscape(code)+"?submitted="+strconv.Itoa(n))
			return nil
		}
		q := "?saved=" + strconv.Itoa(n)
		if create {
			q = "?created=1"
		}
		c.Redirect(http.StatusSeeOther, "/edit/bundles/"+url.PathEscape(code)+q)
		return nil
	}
}

// bundleJSON is b in its JSON form, for comparing two bundles (an empty
// list and none alike).
func bundleJSON(b *catalog.Bundle) string {
	j, _ := json.Marshal(b)
	return string(j)
}

// bundleErrors are the form's conversion errors and the bundle's
// validation errors.
func (s *Server) bundleErrors(c *gin.Context, parse []catalog.FieldError, b *catalog.Bundle) []catalog.FieldError {
	entries := map[string]bool{}
	if es, err := s.store.Entries(c.Request.Context()); err == nil {
		for _, e := range es {
			entries[e.BaseCode] = true
		}
	}
	errs := append([]catalog.FieldError(nil), parse...)
	for _, e := range catalog.ValidateBundle(b, entries) {
		dup := false
		for _, p := range parse {
			dup = dup || p.Field == e.Field
		}
		if !dup {
			errs = append(errs, e)
		}
	}
	return errs
}

// bundleFailed re-renders the form after a refused save or submission.
func (s *Server) bundleFailed(c *gin.Context, v bundleEditView, code string, err error) error {
	status, errs, ok := saveRefusal(c, err)
	switch {
	case !ok:
		return err
	case errs != nil:
		v.errs = errs
	case status == http.StatusConflict && v.w == nil:
		v.errs = []catalog.FieldError{{Field: "code", Message: tf("ebundle.err.taken", code)}}
	case status == http.StatusConflict:
		latest, lerr := s.store.BundleDraft(c.Request.Context(), store.Actor{User: currentUser(c), Remote: clientIP(c)}, code)
		if lerr != nil {
			return lerr
		}
		v.w = latest
		v.conflict = newConflictView(v.base, &latest.WorkingEdition, "")
	default:
		v.busy = true
	}
	return s.renderBundle(c, status, v)
}

// ---------------------------------------------------------------- review

type bundleReviewPage struct {
	reviewHead
	CanEdit       bool
	Editions      []editionRow
	NewBundleDiff bool
}

// Kind is the path segment of bundles (/bundles/, /review/bundles/).
func (*bundleReviewPage) Kind() string { return "bundles" }

// bundleReviews is the review of bundles.
func (s *Server) bundleReviews() reviewFlow {
	return reviewFlow{publish: s.store.PublishBundle, reject: s.store.RejectBundle,
		done: s.bundles.expire, // this process shows the edition at once; others within bundleCheckEvery
		list: "/edit/bundles",
		data: func(c *gin.Context, u *catalog.User, code string) (any, *reviewHead, error) {
			p, err := s.bundleReviewData(c, u, code)
			if err != nil {
				return nil, nil, err
			}
			return p, &p.reviewHead, nil
		},
		template: "edit-bundle-review", body: "page-review-bundle"}
}

func (s *Server) bundleReviewData(c *gin.Context, u *catalog.User, code string) (*bundleReviewPage, error) {
	ctx := c.Request.Context()
	a := store.Actor{User: u, Remote: clientIP(c)}
	w, err := s.store.BundleDraft(ctx, a, code)
	if err != nil {
		return nil, err
	}
	acc, err := s.bundleAccess(c, u)
	if err != nil {
		return nil, err
	}
	p := &bundleReviewPage{reviewHead: newReviewHead(code, w.Name, &w.WorkingEdition, acc.Review), CanEdit: acc.Edit}
	var old *catalog.Bundle
	if w.Published != 0 && w.Published != w.Edition {
		if old, _, err = s.store.BundleEdition(ctx, a, code, w.Published); err != nil {
			return nil, err
		}
	}
	if w.Published != w.Edition {
		p.NewBundleDiff = old == nil
		p.Diff = bundleEditDiff(old, &w.Bundle)
		p.Diff.From, p.Diff.To = w.Published, w.Edition
	}
	eds, err := s.store.BundleEditions(ctx, a, code)
	if err != nil {
		return nil, err
	}
	p.Editions = editionRows(eds)
	return p, nil
}

// bundleReviewGet is GET /review/bundles/{code}.
func (s *Server) bundleReviewGet(c *gin.Context) error { return s.reviewGet(s.bundleReviews())(c) }

// bundleReviewPost is POST /review/bundles/{code}/publish and …/reject.
func (s *Server) bundleReviewPost(publish bool) pageFunc { return s.decide(publish, s.bundleReviews()) }

// bundleEditDiff compares two bundles field by field (old nil: a new bundle,
// every field given is shown as added).
func bundleEditDiff(old, cur *catalog.Bundle) *diffView {
	if old == nil {
		old = &catalog.Bundle{}
	}
	v := &diffView{}
	row := func(key, o, n string) {
		if o != n {
			if o == "" {
				o = label("diff.absent")
			}
			if n == "" {
				n = label("diff.absent")
			}
			v.Fields = append(v.Fields, changeRow{Label: key, Old: o, New: n})
		}
	}
	sep := label("list.sep")
	row(label("ebundle.f.name"), old.Name, cur.Name)
	row(label("ebundle.f.description"), old.Description, cur.Description)
	row(label("ebundle.f.themes"), strings.Join(old.Themes, sep), strings.Join(cur.Themes, sep))
	row(label("ebundle.f.ask_phrases"), strings.Join(old.AskPhrases, sep), strings.Join(cur.AskPhrases, sep))
	row(label("ebundle.f.form"), old.Form, cur.Form)
	step := func(bs []catalog.BundleStep, i int) string {
		if i >= len(bs) {
			return ""
		}
		s := bs[i]
		t := tf("ebundle.diff.step", s.Stage, s.BaseCode)
		if len(s.Or) > 0 {
			t += tf("ebundle.diff.or", strings.Join(s.Or, sep))
		}
		if s.Name != "" {
			t += " " + s.Name
		}
		return t
	}
	for i := 0; i < max(len(old.Steps), len(cur.Steps)); i++ {
		row(label("ebundle.f.steps")+" "+tf("form.row", i+1), step(old.Steps, i), step(cur.Steps, i))
	}
	link := func(ls []catalog.MaterialLink, i int) string {
		if i >= len(ls) {
			return ""
		}
		return ls[i].Name + label("punct.colon") + strings.Join(ls[i].Same, sep)
	}
	for i := 0; i < max(len(old.Links), len(cur.Links)); i++ {
		row(label("ebundle.f.links")+" "+tf("form.row", i+1), link(old.Links, i), link(cur.Links, i))
	}
	v.Empty = len(v.Fields) == 0
	return v
}
