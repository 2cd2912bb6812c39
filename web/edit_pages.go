package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// The editor pages (Chinese): the workbench, the edit form with preview and
// submission, new items from a catalogue entry, review, history with diffs
// and the change log. They take the same domain steps as the JSON editing
// API; every form post of a signed-in user carries the session's form
// token (checkCSRF) besides the same-origin check of crossSite.

// Edit page form actions (the submit buttons' name="action").
const (
	actionSave    = "save"
	actionPreview = "preview"
	actionSubmit  = "submit"
	actionEdit    = "edit" // back from the preview to the form
)

// timeFormat is how the editor pages show an instant (China time).
const timeFormat = "2006-01-02 15:04"

func showTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format(timeFormat)
}

func showTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return showTime(*t)
}

// stateLabel is the Chinese name of an edition state.
func stateLabel(state string) string {
	if l, ok := labels["state."+state]; ok {
		return l
	}
	return state
}

// signedIn returns the signed-in user; for anyone else it redirects to the
// login page, which comes back here (or to the workbench after a form
// post), and returns nil.
func (s *Server) signedIn(c *gin.Context) *catalog.User {
	if u := currentUser(c); u != nil {
		return u
	}
	next := c.Request.URL.RequestURI()
	if c.Request.Method != http.MethodGet {
		next = "/edit"
	}
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
	return nil
}

// readForm parses a posted form (413 when over the body limit) and checks
// its form token.
func (s *Server) readForm(c *gin.Context) error {
	if err := c.Request.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return badRequest("body", label("form.err.body"))
	}
	return s.checkCSRF(c)
}

// editLayout is the layout of an editor page: never indexed.
func (s *Server) editLayout(c *gin.Context, title, body string, page any) layoutData {
	d := s.layout(c, title, "page-edit "+body, page)
	d.NoIndex = true
	return d
}

// canEdit reports whether u edits guides at all (editors their
// department's, admins every one); the store checks the item itself.
func canEdit(u *catalog.User) bool {
	return catalog.Allowed(u, catalog.ActionEdit, u.DepartmentID, true)
}

// canReview reports whether u reviews at all; the store checks the item.
func canReview(u *catalog.User) bool { return catalog.Allowed(u, catalog.ActionReview, 0, true) }

func canAudit(u *catalog.User) bool { return catalog.Allowed(u, catalog.ActionAudit, 0, true) }

// ---------------------------------------------------------------- workbench

// queueRow is a line of the workbench's lists.
type queueRow struct {
	store.QueueEntry
	StateLabel string
	Submitted  string
	Created    string
	// FindingsURL is where the guide's quality findings are listed (the
	// edit form's or the review page's); FindingsBrief are the first of
	// them, FindingsMore how many more there are.
	FindingsURL   string
	FindingsBrief []issue
	FindingsMore  int
}

// workbenchFindings is how many findings a line of the workbench spells
// out.
const workbenchFindings = 2

// findingsBrief fills in what a line with findings says of them: the
// first ones, as the queue read them from the latest edition, and the link
// to them all.
func findingsBrief(r *queueRow, review bool) {
	if r.Findings == 0 {
		return
	}
	code := url.PathEscape(r.Code)
	r.FindingsURL = "/edit/items/" + code + "#findings"
	if review {
		r.FindingsURL = "/review/items/" + code + "#findings-h"
	}
	all := newFormBuilder(newGuideForm(), formOpts{}).findings(r.FindingList)
	r.FindingsBrief = all[:min(len(all), workbenchFindings)]
	r.FindingsMore = len(all) - len(r.FindingsBrief)
}

type workbenchPage struct {
	User      *catalog.User
	Mine      []queueRow
	Review    []queueRow
	Entries   []catalog.Entry
	CanEdit   bool
	CanReview bool
	CanAudit  bool
	CanTokens bool // admins: the system tokens' page (token_page.go)
	Notice    string
	// Bundles (一件事一次办, bundle_edit.go): whether the user edits or
	// reviews them, and their list or review queue.
	BundleEdit, BundleReview bool
	BundleQueue              []bundleEditRow
	// Tickets are the counts of the feedback tickets the user answers or
	// reads (tickets.go); nil for those who read none.
	Tickets *deptTicketSummary
}

func (s *Server) workbench(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	ctx := c.Request.Context()
	p := workbenchPage{User: u, CanEdit: canEdit(u), CanReview: canReview(u), CanAudit: canAudit(u), CanTokens: canManageTokens(u)}
	if p.CanEdit || p.CanReview {
		q, err := s.store.Queue(ctx, store.Actor{User: u, Remote: clientIP(c)})
		if err != nil && !errors.Is(err, catalog.ErrForbidden) {
			return err
		}
		for _, e := range q {
			r := queueRow{QueueEntry: e, StateLabel: stateLabel(e.State), Submitted: showTimePtr(e.SubmittedAt), Created: showTime(e.CreatedAt)}
			findingsBrief(&r, p.CanReview)
			if p.CanReview {
				p.Review = append(p.Review, r)
			} else {
				p.Mine = append(p.Mine, r)
			}
		}
	}
	if p.CanEdit {
		es, err := s.store.Entries(ctx)
		if err != nil {
			return err
		}
		p.Entries = es
	}
	for _, n := range []struct{ param, key string }{{"published", "edit.notice.published"}, {"rejected", "edit.notice.rejected"},
		{"withdrawn", "edit.notice.withdrawn"}} {
		if v := c.Query(n.param); v != "" {
			p.Notice = tf(n.key, v)
		}
	}
	if err := s.workbenchBundles(c, u, &p); err != nil {
		return err
	}
	if err := s.workbenchTickets(c, u, &p); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "edit-home", s.editLayout(c, label("edit.title"), "page-workbench", p))
	return nil
}

// ---------------------------------------------------------------- edit form

// editHead is what the edit form of an item or a bundle says besides the
// form: the working edition, the form's base, the notice of the step that
// led to the page (?saved=, ?submitted=, ?created=), a conflict, a busy
// store.
type editHead struct {
	Code, Name         string
	Action             string // where the form posts
	Base               int
	State, StateLabel  string
	Edition, Published int
	Author, CreatedAt  string
	Reason             string
	Conflict           *conflictView
	Busy               bool
	Saved, Submitted   int
	Created            bool
}

// newEditHead is the head of the form of the item or bundle code whose
// working edition is w (nil for a bundle not yet created).
func newEditHead(code, name, action string, base int, w *store.WorkingEdition, conflict *conflictView, busy bool) editHead {
	h := editHead{Code: code, Name: name, Action: action, Base: base, Conflict: conflict, Busy: busy}
	if w != nil {
		h.State, h.StateLabel, h.Edition, h.Published = w.State, stateLabel(w.State), w.Edition, w.Published
		h.Author, h.CreatedAt, h.Reason = w.Author, showTime(w.CreatedAt), w.Reason
	}
	return h
}

// notices reads the notice of the step that redirected to the form.
func (h *editHead) notices(c *gin.Context) {
	h.Saved, _ = strconv.Atoi(c.Query("saved"))
	h.Submitted, _ = strconv.Atoi(c.Query("submitted"))
	h.Created = c.Query("created") != ""
}

// editPage is the data of the edit form.
type editPage struct {
	editHead
	Flags    []string
	Form     *formView
	Errors   []issue
	Warnings []issue
	Note     formField
}

// Kind is the path segment of items (/items/, /review/items/).
func (*editPage) Kind() string { return "items" }

// conflictView explains a save refused because someone else saved first.
type conflictView struct {
	Base, Latest int
	Author, At   string
	DiffURL      string // "" when there is no comparison page
}

func newConflictView(base int, latest *store.WorkingEdition, diffURL string) *conflictView {
	return &conflictView{Base: base, Latest: latest.Edition, Author: latest.Author, At: showTime(latest.CreatedAt), DiffURL: diffURL}
}

// saveRefusal sorts the error of a save or submission an edit form made:
// the field errors (422), a conflict (409) or a store busy with another
// process's import (503, its headers set); ok is false for any other
// error, which the form does not show.
func saveRefusal(c *gin.Context, err error) (status int, errs []catalog.FieldError, ok bool) {
	var verr *catalog.ValidationError
	switch {
	case errors.As(err, &verr):
		return http.StatusUnprocessableEntity, verr.Errors, true
	case errors.Is(err, catalog.ErrConflict):
		return http.StatusConflict, nil, true
	case store.IsBusy(err):
		toError(err).setHeaders(c)
		return http.StatusServiceUnavailable, nil, true
	}
	return 0, nil, false
}

// editView is how one edit page is drawn.
type editView struct {
	w        *store.Working
	form     *guideForm
	base     int
	note     string
	errs     []catalog.FieldError
	focus    string // the control or row button a row button left the focus at
	conflict *conflictView
	busy     bool // the save waited in vain for the write lock
}

// regionChoices are the regions an item may be placed in: those with
// departments, in code order.
func (s *Server) regionChoices(ctx context.Context) ([]catalog.Region, error) {
	ds, err := s.store.Departments(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []catalog.Region
	seen := map[string]bool{}
	for _, d := range ds {
		if !seen[d.Region] {
			seen[d.Region] = true
			r, ok := s.regions.lookup(d.Region)
			if !ok {
				r = catalog.Region{Code: d.Region, Name: d.Region}
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func (s *Server) editPageData(c *gin.Context, u *catalog.User, code string, v editView) (*editPage, error) {
	regions, err := s.regionChoices(c.Request.Context())
	if err != nil {
		return nil, err
	}
	it, _ := v.form.item()
	warns := catalog.Quality(it)
	b := newFormBuilder(v.form, formOpts{scopeFixed: u.Role == catalog.RoleEditor, regions: regions,
		errs: v.errs, warns: warns, focus: v.focus})
	w := v.w
	p := &editPage{editHead: newEditHead(code, w.Name, "/edit/items/"+url.PathEscape(code), v.base, &w.WorkingEdition, v.conflict, v.busy),
		Flags: catalog.Flags(&w.Item), Form: b.build()}
	p.Note = b.control("note", "note", label("edit.note"), "textarea", v.note)
	p.Note.Hint = label("edit.note.hint")
	p.Errors = b.summary(v.errs)
	p.Warnings = b.findings(warns)
	return p, nil
}

func (s *Server) renderEdit(c *gin.Context, status int, u *catalog.User, code string, v editView) error {
	p, err := s.editPageData(c, u, code, v)
	if err != nil {
		return err
	}
	title := tf("edit.item.title", v.w.Name)
	if len(p.Errors) > 0 {
		title = label("edit.errors.prefix") + title
	}
	s.render(c, status, "edit-item", s.editLayout(c, title, "page-edit-item", p))
	return nil
}

// editItemPage is GET /edit/items/{code}: the form of the working edition.
func (s *Server) editItemPage(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	code := c.Param("code")
	w, err := s.store.Draft(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, code)
	if err != nil {
		return err
	}
	if !canEdit(u) {
		// Reviewers and auditors read; their view is the history.
		c.Redirect(http.StatusSeeOther, "/edit/items/"+url.PathEscape(code)+"/history")
		return nil
	}
	v := editView{w: w, form: formFromItem(&w.Item), base: w.Edition, note: w.Note}
	if w.State != catalog.StateDraft {
		v.note = ""
	}
	p, err := s.editPageData(c, u, code, v)
	if err != nil {
		return err
	}
	p.notices(c)
	s.render(c, http.StatusOK, "edit-item", s.editLayout(c, tf("edit.item.title", w.Name), "page-edit-item", p))
	return nil
}

// formBase reads the edition a form was based on.
func formBase(c *gin.Context) (int, error) {
	v := c.PostForm("base")
	if r := c.PostForm("rebase"); r != "" {
		v = r // the editor chose to overwrite the latest edition
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, badRequest("base", label("form.err.base"))
	}
	return n, nil
}

// allErrors merges the form's conversion errors with the guide's
// validation errors, in the order of the fields.
func allErrors(parse []catalog.FieldError, it *catalog.Item) []catalog.FieldError {
	errs := slices.Clone(parse)
	for _, e := range catalog.Validate(it) {
		dup := false
		for _, p := range parse {
			dup = dup || p.Field == e.Field
		}
		if !dup {
			errs = append(errs, e)
		}
	}
	rank := map[string]int{}
	for i, name := range formScalars {
		rank[name] = i
	}
	order := func(path string) int {
		top := path
		if i := strings.IndexAny(path, "["); i >= 0 {
			top = path[:i]
		}
		if r, ok := rank[top]; ok {
			return r
		}
		return len(rank)
	}
	sort.SliceStable(errs, func(i, j int) bool { return order(errs[i].Field) < order(errs[j].Field) })
	return errs
}

// editItemPost is POST /edit/items/{code}: save, preview, submit, or add,
// delete or move a row, by the button pressed.
func (s *Server) editItemPost(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if err := s.readForm(c); err != nil {
		return err
	}
	ctx := c.Request.Context()
	a := store.Actor{User: u, Remote: clientIP(c)}
	code := c.Param("code")
	w, err := s.store.Draft(ctx, a, code)
	if err != nil {
		return err
	}
	if !canEdit(u) {
		return catalog.ErrForbidden
	}
	form := parseGuideForm(c.Request.PostForm)
	form.Values["code"] = code
	note := formText(c.PostForm("note"))
	base, err := formBase(c)
	if err != nil {
		return err
	}
	v := editView{w: w, form: form, base: base, note: note}
	if act := c.PostForm("row"); act != "" {
		// A row button: add, delete or move a row of a list, the
		// situations' included; the form is drawn again, nothing saved.
		focus, ok := form.rowAction(act)
		if !ok {
			return badRequest("row", label("form.err.row"))
		}
		v.focus = focus
		return s.renderEdit(c, http.StatusOK, u, code, v)
	}
	if c.PostForm("action") == actionEdit {
		// Back from the preview: the form as it was.
		return s.renderEdit(c, http.StatusOK, u, code, v)
	}
	it, perrs := form.item()
	action := c.PostForm("action")
	if action == "" && c.PostForm("rebase") != "" {
		action = actionSave // the conflict notice's "overwrite" button
	}
	switch action {
	case actionSave, actionPreview, actionSubmit:
	default:
		return badRequest("action", label("form.err.action"))
	}
	if errs := allErrors(perrs, it); len(errs) > 0 {
		v.errs = errs
		return s.renderEdit(c, http.StatusUnprocessableEntity, u, code, v)
	}
	switch action {
	case actionPreview:
		return s.renderPreview(c, form, it, base, note, "/edit/items/"+url.PathEscape(code))
	case actionSave:
		n, err := s.store.SaveDraft(ctx, a, code, base, it, note)
		if err != nil {
			return s.editFailed(c, u, code, v, err)
		}
		s.changed()
		c.Redirect(http.StatusSeeOther, "/edit/items/"+url.PathEscape(code)+"?saved="+strconv.Itoa(n))
		return nil
	}
	// Submit: save first when the form differs from the working edition
	// or that edition is no longer a draft.
	d := catalog.DiffItems(&w.Item, it)
	changed := len(d.Fields)+len(d.Lists) > 0 || !sameSituations(w.Item.Situations, it.Situations)
	n := base
	if changed || w.State != catalog.StateDraft {
		if w.State == catalog.StateSubmitted && !changed && base == w.Edition && (note == "" || note == w.Note) {
			c.Redirect(http.StatusSeeOther, "/edit/items/"+url.PathEscape(code)+"?submitted="+strconv.Itoa(base))
			return nil
		}
		if n, err = s.store.SaveDraft(ctx, a, code, base, it, note); err != nil {
			return s.editFailed(c, u, code, v, err)
		}
		s.changed()
	}
	if err := s.store.Submit(ctx, a, code, n, note); err != nil {
		if n != base {
			// The draft is saved; the form now stands on it.
			w, derr := s.store.Draft(ctx, a, code)
			if derr != nil {
				return derr
			}
			v.w, v.base = w, n
		}
		return s.editFailed(c, u, code, v, err)
	}
	s.changed()
	c.Redirect(http.StatusSeeOther, "/edit/items/"+url.PathEscape(code)+"?submitted="+strconv.Itoa(n))
	return nil
}

// sameSituations reports whether two guides' situations are the same
// (none and an empty list alike).
func sameSituations(a, b []catalog.Situation) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// editFailed re-renders the form with the editor's input after a refused
// save or submission: every field error (422), the conflict (409), or a
// store busy with another process's import (503, the input kept).
func (s *Server) editFailed(c *gin.Context, u *catalog.User, code string, v editView, err error) error {
	status, errs, ok := saveRefusal(c, err)
	switch {
	case !ok:
		return err
	case errs != nil:
		v.errs = errs
	case status == http.StatusConflict:
		latest, lerr := s.store.Draft(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, code)
		if lerr != nil {
			return lerr
		}
		v.w = latest
		v.conflict = newConflictView(v.base, &latest.WorkingEdition,
			fmt.Sprintf("/edit/items/%s/diff?from=%d&to=%d", url.PathEscape(code), v.base, latest.Edition))
	default:
		v.busy = true
	}
	return s.renderEdit(c, status, u, code, v)
}

// ---------------------------------------------------------------- preview

// previewInfo marks a citizen page drawn from unsaved form content and
// carries that content back to the edit form.
type previewInfo struct {
	Action string
	Hidden []hiddenField
}

type hiddenField struct{ Name, Value string }

// renderPreview draws the citizen page of a guide exactly as it would be
// published, saving nothing.
func (s *Server) renderPreview(c *gin.Context, form *guideForm, it *catalog.Item, base int, note, action string) error {
	vals := form.values()
	vals.Set("base", strconv.Itoa(base))
	if note != "" {
		vals.Set("note", note)
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pi := &previewInfo{Action: action}
	for _, k := range keys {
		for _, x := range vals[k] {
			pi.Hidden = append(pi.Hidden, hiddenField{Name: k, Value: x})
		}
	}
	p := &catalog.Published{Item: *it, Flags: catalog.Flags(it), Edition: base, UpdatedAt: time.Now()}
	d := itemPage{Published: p, RegionName: s.regions.name(it.Region), Preview: pi}
	sibs, err := s.store.Siblings(c.Request.Context(), it.BaseCode)
	if err != nil {
		return err
	}
	for _, sib := range sibs {
		if sib.Code != it.Code {
			d.Siblings = append(d.Siblings, hotItem{Code: sib.Code, Name: sib.Name, RegionName: s.regions.name(sib.Region), Department: sib.Department})
		}
	}
	layout := s.layout(c, label("edit.preview.title")+" - "+it.Name, "page-item page-preview", d)
	layout.NoIndex = true
	s.render(c, http.StatusOK, "item", layout)
	return nil
}

// ---------------------------------------------------------------- new item

// newItemPage is the data of /edit/new.
type newItemPage struct {
	Entries    []catalog.Entry
	Entry      *catalog.Entry
	BaseCode   string
	Code       formField
	Suffix     formField
	Region     formField
	Department formField
	Note       formField
	Errors     []issue
	NotFound   bool
}

func findEntry(es []catalog.Entry, code string) *catalog.Entry {
	for i := range es {
		if es[i].BaseCode == code {
			return &es[i]
		}
	}
	return nil
}

func (s *Server) newItemData(c *gin.Context, u *catalog.User, baseCode string, vals url.Values, errs []catalog.FieldError) (*newItemPage, error) {
	ctx := c.Request.Context()
	es, err := s.store.Entries(ctx)
	if err != nil {
		return nil, err
	}
	regions, err := s.regionChoices(ctx)
	if err != nil {
		return nil, err
	}
	f := newGuideForm()
	f.Values["code"] = vals.Get("code")
	f.Values["region"] = vals.Get("region")
	f.Values["department"] = vals.Get("department")
	if u.Role == catalog.RoleEditor {
		f.Values["region"], f.Values["department"] = u.Region, u.Department
	}
	b := newFormBuilder(f, formOpts{codeEditable: true, scopeFixed: u.Role == catalog.RoleEditor, regions: regions, errs: errs})
	p := &newItemPage{Entries: es, BaseCode: baseCode, Entry: findEntry(es, baseCode)}
	p.NotFound = baseCode != "" && p.Entry == nil
	fv := b.build().Sections[0].Fields
	for _, ff := range fv {
		switch ff.Name {
		case "code":
			p.Code = ff
		case "region":
			p.Region = ff
		case "department":
			p.Department = ff
		}
	}
	p.Suffix = b.control("name_suffix", "name_suffix", label("new.suffix"), "text", vals.Get("name_suffix"))
	p.Suffix.Hint = label("new.suffix.hint")
	p.Note = b.control("note", "note", label("edit.note"), "textarea", vals.Get("note"))
	// Only these controls are on the page; errors about the fields the
	// entry fixes are shown in the summary, the name's at its suffix.
	b.ids = map[string]string{"code": p.Code.ID, "region": p.Region.ID, "department": p.Department.ID,
		"name": p.Suffix.ID, "note": p.Note.ID}
	p.Errors = b.summary(errs)
	return p, nil
}

// newItemGet is GET /edit/new[?base_code=]: choose an entry, then the
// form of the new item.
func (s *Server) newItemGet(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if !canEdit(u) {
		return catalog.ErrForbidden
	}
	p, err := s.newItemData(c, u, strings.TrimSpace(c.Query("base_code")), url.Values{}, nil)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if p.NotFound {
		status = http.StatusNotFound
	}
	s.render(c, status, "edit-new", s.editLayout(c, label("new.title"), "page-edit-new", p))
	return nil
}

// newItemPost is POST /edit/new: create the item from its entry, keeping
// the entry's name, type and basis (三级四同).
func (s *Server) newItemPost(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if err := s.readForm(c); err != nil {
		return err
	}
	if !canEdit(u) {
		return catalog.ErrForbidden
	}
	ctx := c.Request.Context()
	vals := c.Request.PostForm
	baseCode := strings.TrimSpace(vals.Get("base_code"))
	es, err := s.store.Entries(ctx)
	if err != nil {
		return err
	}
	fail := func(status int, errs []catalog.FieldError) error {
		p, err := s.newItemData(c, u, baseCode, vals, errs)
		if err != nil {
			return err
		}
		s.render(c, status, "edit-new", s.editLayout(c, label("edit.errors.prefix")+label("new.title"), "page-edit-new", p))
		return nil
	}
	e := findEntry(es, baseCode)
	if e == nil {
		return fail(http.StatusUnprocessableEntity, []catalog.FieldError{{Field: "base_code", Message: label("new.err.entry")}})
	}
	it := &catalog.Item{Code: strings.TrimSpace(vals.Get("code")), BaseCode: e.BaseCode,
		Name: e.Name + strings.TrimSpace(formText(vals.Get("name_suffix"))), Type: e.Type,
		Basis: slices.Clone(e.Basis), Region: strings.TrimSpace(vals.Get("region")), Department: strings.TrimSpace(vals.Get("department"))}
	if u.Role == catalog.RoleEditor {
		it.Region, it.Department = u.Region, u.Department
	}
	a := store.Actor{User: u, Remote: clientIP(c)}
	if _, err := s.store.CreateItem(ctx, a, it, formText(vals.Get("note"))); err != nil {
		var verr *catalog.ValidationError
		switch {
		case errors.As(err, &verr):
			return fail(http.StatusUnprocessableEntity, verr.Errors)
		case errors.Is(err, catalog.ErrConflict):
			return fail(http.StatusConflict, []catalog.FieldError{{Field: "code", Message: tf("new.err.taken", it.Code)}})
		}
		return err
	}
	s.changed()
	c.Redirect(http.StatusSeeOther, "/edit/items/"+url.PathEscape(it.Code)+"?created=1")
	return nil
}

// ---------------------------------------------------------------- review

// reviewHead is what the review pages of items and bundles show alike:
// the working edition, whether it is up for review, the comparison with
// the published edition, and the form to publish or reject it with what a
// refused decision left in it.
type reviewHead struct {
	Code, Name        string
	Edition           int
	Published         int
	State, StateLabel string
	Author            string
	Note              string
	Reviewable        bool // the working edition is submitted
	CanReview         bool
	Diff              *diffView
	Reason            formField
	Errors            []issue
	Conflict          bool
	// Checks are the publishing checks of the edition (items only).
	Checks publishChecksView
}

// publishChecksView is what the review page of an item shows of its
// edition's publishing checks (docs/contract.md#publishing-checks): the
// errors that block publishing, and per warning rule its warnings and the
// reason the reviewer must give to publish despite them.
type publishChecksView struct {
	Errors    []issue
	Overrides []overrideView
}

// Blocked reports whether errors block publishing.
func (v publishChecksView) Blocked() bool { return len(v.Errors) > 0 }

// overrideView is one warning rule of an edition: its warnings and the
// reviewer's reason for publishing despite them.
type overrideView struct {
	Rule, Title string
	Warnings    []issue
	Reason      formField
}

// overrideParam prefixes a warning rule's reason field on the review page
// (override.location).
const overrideParam = "override."

// checkIssue is a publishing check as a line of the review page: its
// message, after the field's name when the message does not name it.
func checkIssue(ch catalog.PublishCheck) issue {
	is := issue{Message: ch.Message}
	if l := pathLabel(ch.Field); !strings.Contains(ch.Message, l) {
		is.Label = l
	}
	return is
}

// newPublishChecksView shows checks, the publishing checks of an edition.
func newPublishChecksView(checks []catalog.PublishCheck) publishChecksView {
	var v publishChecksView
	for _, ch := range catalog.CheckErrors(checks) {
		v.Errors = append(v.Errors, checkIssue(ch))
	}
	for _, rule := range catalog.WarningRules(checks) {
		o := overrideView{Rule: rule, Title: catalog.CheckTitle(rule),
			Reason: formField{Name: overrideParam + rule, ID: "f-override-" + rule, Kind: "textarea", Required: true,
				Label: tf("review.override.reason", catalog.CheckTitle(rule)),
				Hint:  tf("review.override.hint", catalog.MaxOverrideRunes)}}
		for _, ch := range catalog.CheckWarnings(checks) {
			if ch.Rule == rule {
				o.Warnings = append(o.Warnings, checkIssue(ch))
			}
		}
		v.Overrides = append(v.Overrides, o)
	}
	return v
}

// formOverrides reads the reasons for overriding warnings from a posted
// review form: the fields override.<rule>, blank ones included (the
// store says they are missing).
func formOverrides(c *gin.Context) map[string]string {
	out := map[string]string{}
	for k, vs := range c.Request.PostForm {
		if rule, ok := strings.CutPrefix(k, overrideParam); ok && len(vs) > 0 {
			out[rule] = formText(vs[0])
		}
	}
	return out
}

// refused shows on the page why the checks refused a publish: the
// reasons as posted, each with what is wrong with it, and the summary —
// the blocking errors, or the reasons missing.
func (h *reviewHead) refused(r *catalog.PublishRefusal, overrides map[string]string) {
	for i := range h.Checks.Overrides {
		o := &h.Checks.Overrides[i]
		o.Reason.Value = overrides[o.Rule]
		for _, e := range r.Overrides {
			if e.Field == catalog.OverrideField(o.Rule) {
				o.Reason.Errors = append(o.Reason.Errors, e.Message)
				h.Errors = append(h.Errors, issue{Label: o.Title, Message: e.Message, Anchor: "#" + o.Reason.ID})
			}
		}
	}
	if r.Blocked() {
		for _, e := range h.Checks.Errors {
			e.Anchor = "#publish-checks"
			h.Errors = append(h.Errors, e)
		}
	}
	for _, e := range r.Overrides {
		if !strings.HasPrefix(e.Field, overrideParam) || !slices.ContainsFunc(h.Checks.Overrides,
			func(o overrideView) bool { return catalog.OverrideField(o.Rule) == e.Field }) {
			h.Errors = append(h.Errors, issue{Label: pathLabel(e.Field), Message: e.Message})
		}
	}
}

// newReviewHead is the head of the review page of the item or bundle code
// whose working edition is w.
func newReviewHead(code, name string, w *store.WorkingEdition, canReview bool) reviewHead {
	return reviewHead{Code: code, Name: name, Edition: w.Edition, Published: w.Published, State: w.State,
		StateLabel: stateLabel(w.State), Author: w.Author, Note: w.Note, Reviewable: w.State == catalog.StateSubmitted,
		CanReview: canReview,
		Reason: formField{Name: "reason", ID: "f-reason", Label: label("review.reason"), Kind: "textarea", Required: true,
			Hint: label("review.reason.hint")}}
}

// reviewPage is the data of /review/items/{code}.
type reviewPage struct {
	reviewHead
	RegionName  string
	Department  string
	SubmittedAt string
	Findings    []issue
	// Withdraw is the reason field of the withdraw form (withdraw.go),
	// shown to a reviewer while the item has a published edition.
	Withdraw formField
}

// Kind is the path segment of items (/items/, /review/items/).
func (*reviewPage) Kind() string { return "items" }

// reviewFlow is what the review pages of items and bundles differ in.
type reviewFlow struct {
	// allowed says whether u reviews at all; nil leaves it to the store.
	allowed func(u *catalog.User) bool
	publish func(ctx context.Context, a store.Actor, code string, base int) error
	// publishWith, when set, publishes instead of publish with the
	// reviewer's reasons for overriding publishing-check warnings.
	publishWith func(ctx context.Context, a store.Actor, code string, base int, overrides map[string]string) error
	reject      func(ctx context.Context, a store.Actor, code string, base int, reason string) error
	done        func() // after a decision is taken
	list        string // where a decision leads, with ?published= or ?rejected=
	// data is the page of the item or bundle code and its head.
	data     func(c *gin.Context, u *catalog.User, code string) (any, *reviewHead, error)
	template string
	body     string // the class of the page's body
}

// itemReviews is the review of items.
func (s *Server) itemReviews() reviewFlow {
	return reviewFlow{allowed: canReview, publishWith: s.store.PublishWith, reject: s.store.Reject, done: s.changed, list: "/edit",
		data: func(c *gin.Context, u *catalog.User, code string) (any, *reviewHead, error) {
			p, err := s.reviewData(c, u, code)
			if err != nil {
				return nil, nil, err
			}
			return p, &p.reviewHead, nil
		},
		template: "edit-review", body: "page-review"}
}

// reviewGet is GET /review/items/{code} and /review/bundles/{code}.
func (s *Server) reviewGet(f reviewFlow) pageFunc {
	return func(c *gin.Context) error {
		u := s.signedIn(c)
		if u == nil {
			return nil
		}
		p, h, err := f.data(c, u, c.Param("code"))
		if err != nil {
			return err
		}
		s.render(c, http.StatusOK, f.template, s.editLayout(c, tf("review.title", h.Name), f.body, p))
		return nil
	}
}

// decide is POST /review/{items,bundles}/{code}/publish and …/reject: the
// decision taken, back to the list; refused, the review page with the
// reason given and why (422) or the conflict (409).
func (s *Server) decide(publish bool, f reviewFlow) pageFunc {
	return func(c *gin.Context) error {
		u := s.signedIn(c)
		if u == nil {
			return nil
		}
		if err := s.readForm(c); err != nil {
			return err
		}
		if f.allowed != nil && !f.allowed(u) {
			return catalog.ErrForbidden
		}
		ctx := c.Request.Context()
		code := c.Param("code")
		a := store.Actor{User: u, Remote: clientIP(c)}
		base, err := formBase(c)
		if err != nil {
			return err
		}
		reason := formText(c.PostForm("reason"))
		overrides := formOverrides(c)
		switch {
		case publish && f.publishWith != nil:
			err = f.publishWith(ctx, a, code, base, overrides)
		case publish:
			err = f.publish(ctx, a, code, base)
		default:
			err = f.reject(ctx, a, code, base, reason)
		}
		if err == nil {
			f.done()
			param := "rejected"
			if publish {
				param = "published"
			}
			c.Redirect(http.StatusSeeOther, f.list+"?"+param+"="+url.QueryEscape(code))
			return nil
		}
		var verr *catalog.ValidationError
		var refusal *catalog.PublishRefusal
		status := http.StatusConflict
		switch {
		case errors.As(err, &verr), errors.As(err, &refusal):
			status = http.StatusUnprocessableEntity
		case errors.Is(err, catalog.ErrConflict):
		default:
			return err
		}
		p, h, derr := f.data(c, u, code)
		if derr != nil {
			return derr
		}
		h.Reason.Value = reason
		if refusal != nil {
			h.refused(refusal, overrides)
		} else if verr != nil {
			for _, e := range verr.Errors {
				if e.Field == "reason" {
					h.Reason.Errors = append(h.Reason.Errors, e.Message)
				}
				h.Errors = append(h.Errors, issue{Label: pathLabel(e.Field), Message: e.Message, Anchor: "#f-reason"})
			}
		} else {
			h.Conflict = true
		}
		s.render(c, status, f.template, s.editLayout(c, label("edit.errors.prefix")+tf("review.title", h.Name), f.body, p))
		return nil
	}
}

func (s *Server) reviewData(c *gin.Context, u *catalog.User, code string) (*reviewPage, error) {
	ctx := c.Request.Context()
	a := store.Actor{User: u, Remote: clientIP(c)}
	w, err := s.store.Draft(ctx, a, code)
	if err != nil {
		return nil, err
	}
	p := &reviewPage{reviewHead: newReviewHead(code, w.Name, &w.WorkingEdition, canReview(u)),
		RegionName: s.regions.name(w.Region), Department: w.Department,
		Withdraw: formField{Name: "reason", ID: "f-withdraw-reason", Label: label("review.withdraw.reason"), Kind: "textarea",
			Required: true, Hint: label("review.withdraw.hint")}}
	p.Checks = newPublishChecksView(w.Checks)
	if eds, err := s.store.Editions(ctx, a, code); err == nil {
		for _, e := range eds {
			if e.Number == w.Edition {
				p.SubmittedAt = showTimePtr(e.SubmittedAt)
			}
		}
	}
	switch {
	case w.Published == 0:
		d := catalog.DiffItems(nil, &w.Item)
		d.Code, d.To = code, w.Edition
		p.Diff = newDiffView(d)
	case w.Published != w.Edition:
		d, err := s.store.Diff(ctx, a, code, w.Published, w.Edition)
		if err != nil {
			return nil, err
		}
		p.Diff = newDiffView(d)
	}
	b := newFormBuilder(newGuideForm(), formOpts{})
	p.Findings = b.findings(w.Findings)
	return p, nil
}

// reviewItemPage is GET /review/items/{code}.
func (s *Server) reviewItemPage(c *gin.Context) error { return s.reviewGet(s.itemReviews())(c) }

// reviewPost is POST /review/items/{code}/publish and …/reject.
func (s *Server) reviewPost(publish bool) pageFunc { return s.decide(publish, s.itemReviews()) }

// ---------------------------------------------------------------- history

// historyPage is the data of /edit/items/{code}/history and …/diff.
type historyPage struct {
	Code     string
	Name     string
	Editions []editionRow
	Numbers  []int
	From, To int
	Diff     *diffView
	CanEdit  bool
}

type editionRow struct {
	store.EditionInfo
	StateLabel                           string
	Created, Submitted, Published, Ended string
	// OverrideLines are the reasons the reviewer gave for publishing
	// despite warnings, in rule order.
	OverrideLines []overrideLine
}

// overrideLine is one reason for publishing despite a warning rule.
type overrideLine struct{ Rule, Title, Reason string }

// editionRows are the lines of a table of editions.
func editionRows(eds []store.EditionInfo) []editionRow {
	var out []editionRow
	for _, e := range eds {
		r := editionRow{EditionInfo: e, StateLabel: stateLabel(e.State),
			Created: showTime(e.CreatedAt), Submitted: showTimePtr(e.SubmittedAt), Published: showTimePtr(e.PublishedAt),
			Ended: showTimePtr(e.SupersededAt)}
		for _, rule := range slices.Sorted(maps.Keys(e.Overrides)) {
			r.OverrideLines = append(r.OverrideLines, overrideLine{Rule: rule, Title: catalog.CheckTitle(rule), Reason: e.Overrides[rule]})
		}
		out = append(out, r)
	}
	return out
}

func (s *Server) historyData(c *gin.Context, u *catalog.User, code string) (*historyPage, error) {
	ctx := c.Request.Context()
	a := store.Actor{User: u, Remote: clientIP(c)}
	w, err := s.store.Draft(ctx, a, code)
	if err != nil {
		return nil, err
	}
	eds, err := s.store.Editions(ctx, a, code)
	if err != nil {
		return nil, err
	}
	p := &historyPage{Code: code, Name: w.Name, CanEdit: canEdit(u), Editions: editionRows(eds)}
	for _, e := range eds {
		p.Numbers = append(p.Numbers, e.Number)
	}
	if len(p.Numbers) > 0 {
		p.To = p.Numbers[0]
		p.From = p.Numbers[min(1, len(p.Numbers)-1)]
	}
	return p, nil
}

// historyGet is GET /edit/items/{code}/history.
func (s *Server) historyGet(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	p, err := s.historyData(c, u, c.Param("code"))
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "edit-history", s.editLayout(c, tf("history.title", p.Name), "page-history", p))
	return nil
}

// diffPage is GET /edit/items/{code}/diff?from=&to=.
func (s *Server) diffPage(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	code := c.Param("code")
	p, err := s.historyData(c, u, code)
	if err != nil {
		return err
	}
	from, err1 := strconv.Atoi(c.Query("from"))
	to, err2 := strconv.Atoi(c.Query("to"))
	if err1 != nil || err2 != nil || from < 1 || to < 1 {
		return badRequest("from", label("diff.err.range"))
	}
	d, err := s.store.Diff(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, code, from, to)
	if err != nil {
		return err
	}
	p.From, p.To, p.Diff = from, to, newDiffView(d)
	s.render(c, http.StatusOK, "edit-history", s.editLayout(c, tf("diff.title", p.Name, from, to), "page-diff", p))
	return nil
}

// ---------------------------------------------------------------- change log (操作日志)

type changeLogData struct {
	Since, User, Item string
	Error             string
	Entries           []changeLogRow
	Max               int
}

type changeLogRow struct {
	store.ChangeEntry
	When        string
	ActionLabel string
}

// maxChangeLogPageRows is the most change-log entries one page shows.
const maxChangeLogPageRows = 1000

// changeLogPage is GET /audit-log: admins and auditors.
func (s *Server) changeLogPage(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if !canAudit(u) {
		return catalog.ErrForbidden
	}
	p := changeLogData{Since: strings.TrimSpace(c.Query("since")), User: strings.TrimSpace(c.Query("user")),
		Item: strings.TrimSpace(c.Query("item")), Max: maxChangeLogPageRows}
	f := store.ChangeFilter{User: p.User, Item: p.Item, Limit: maxChangeLogPageRows}
	status := http.StatusOK
	if p.Since != "" {
		t, err := parseTime(p.Since)
		if err != nil {
			p.Error, status = MsgSinceFormat, http.StatusBadRequest
		}
		f.Since = t
	}
	if p.Error == "" {
		log, err := s.store.ChangeLog(c.Request.Context(), f)
		if err != nil {
			return err
		}
		for _, e := range log {
			p.Entries = append(p.Entries, changeLogRow{ChangeEntry: e, When: e.At.In(chinaTime).Format("2006-01-02 15:04:05"),
				ActionLabel: actionLabel(e.Action)})
		}
	}
	s.render(c, status, "edit-audit", s.editLayout(c, label("auditlog.title"), "page-audit-log", p))
	return nil
}

func actionLabel(a string) string {
	if l, ok := labels["auditlog.action."+a]; ok {
		return l
	}
	return a
}

// ---------------------------------------------------------------- diff view

// diffView is a field-level diff as the pages draw it.
type diffView struct {
	From, To int
	Fields   []changeRow
	Lists    []listChange
	Empty    bool
}

type changeRow struct{ Label, Old, New string }

type listChange struct {
	Label     string
	Added     []elemView
	Removed   []elemView
	Changed   []elemChange
	Reordered bool
}

type elemView struct {
	Key   string
	Pos   int // from 1
	Parts []changeRow
}

type elemChange struct {
	Key            string
	OldPos, NewPos int
	Fields         []changeRow
}

func newDiffView(d *catalog.Diff) *diffView {
	v := &diffView{From: d.From, To: d.To, Empty: len(d.Fields)+len(d.Lists) == 0}
	for _, f := range d.Fields {
		v.Fields = append(v.Fields, changeRow{Label: f.Label, Old: showValue(f.Field, f.Old), New: showValue(f.Field, f.New)})
	}
	for _, l := range d.Lists {
		lc := listChange{Label: l.Label, Reordered: l.Reordered}
		for _, e := range l.Added {
			lc.Added = append(lc.Added, elemView{Key: e.Key, Pos: e.Index + 1, Parts: elemParts(e.Value)})
		}
		for _, e := range l.Removed {
			lc.Removed = append(lc.Removed, elemView{Key: e.Key, Pos: e.Index + 1, Parts: elemParts(e.Value)})
		}
		for _, e := range l.Changed {
			ec := elemChange{Key: e.Key, OldPos: e.OldIndex + 1, NewPos: e.NewIndex + 1}
			for _, f := range e.Fields {
				ec.Fields = append(ec.Fields, changeRow{Label: f.Label, Old: showValue(f.Field, f.Old), New: showValue(f.Field, f.New)})
			}
			lc.Changed = append(lc.Changed, ec)
		}
		v.Lists = append(v.Lists, lc)
	}
	return v
}

// showValue writes a diffed value as text: absent, yes/no, lists joined,
// the online depth with its meaning.
func showValue(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return label("diff.absent")
	case bool:
		if x {
			return label("item.yes")
		}
		return label("item.no")
	case int:
		if field == "online_depth" && x >= 0 && x < len(catalog.OnlineDepthLabels) {
			return strconv.Itoa(x) + " " + catalog.OnlineDepthLabels[x]
		}
		return strconv.Itoa(x)
	case string:
		return x
	case []string:
		return strings.Join(x, label("list.sep"))
	case *int:
		if x == nil {
			return label("diff.absent")
		}
		return showValue(field, *x)
	case *catalog.Fee:
		if x == nil {
			return label("diff.absent")
		}
		return showFee(*x)
	case catalog.Fee:
		return showFee(x)
	case []catalog.Step:
		var names []string
		for _, st := range x {
			names = append(names, stepText(st))
		}
		return strings.Join(names, label("list.sep"))
	case []catalog.Option:
		var names []string
		for _, o := range x {
			names = append(names, o.Label)
		}
		return strings.Join(names, label("list.sep"))
	case catalog.Situation:
		return x.Question
	case catalog.Option:
		return x.Label
	}
	return fmt.Sprint(v)
}

// showFee writes a fee as text: 不收费, or its items.
func showFee(f catalog.Fee) string {
	if !f.Charged {
		return label("item.fee.none")
	}
	var parts []string
	for _, it := range f.Items {
		p := it.Name
		if it.Standard != "" {
			p += " " + it.Standard
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return label("item.yes")
	}
	return strings.Join(parts, label("list.sep"))
}

func stepText(st catalog.Step) string {
	if st.Days != nil {
		return st.Name + "（" + tf("item.step.days", *st.Days) + "）"
	}
	return st.Name
}

// situationParts are the parts of an added or removed question of the
// situation guide: its text, kind and options.
func situationParts(s catalog.Situation) []changeRow {
	out := []changeRow{{Label: label("form.sit.question"), New: s.Question}}
	if s.ID != "" {
		out = append(out, changeRow{Label: label("form.sit.id"), New: s.ID})
	}
	kind := label("form.sit.single")
	if s.Multiple {
		kind = label("form.sit.multi")
	}
	out = append(out, changeRow{Label: label("form.sit.multiple"), New: kind})
	for i, o := range s.Options {
		out = append(out, changeRow{Label: label("form.sit.options") + " " + strconv.Itoa(i+1), New: optionText(o)})
	}
	return out
}

// optionParts are the parts of an added or removed option.
func optionParts(o catalog.Option) []changeRow {
	var out []changeRow
	part := func(key, val string) {
		if val != "" {
			out = append(out, changeRow{Label: label(key), New: val})
		}
	}
	part("form.sit.opt.label", o.Label)
	part("form.sit.opt.id", o.ID)
	part("form.sit.opt.note", o.Note)
	part("form.sit.opt.add", strings.Join(o.Add, label("list.sep")))
	part("form.sit.opt.remove", strings.Join(o.Remove, label("list.sep")))
	part("form.sit.opt.promised_days", intValue(o.PromisedDays))
	part("form.sit.opt.visits", intValue(o.Visits))
	if o.OnlineDepth != nil {
		part("form.sit.opt.online_depth", showValue("online_depth", *o.OnlineDepth))
	}
	if o.Fee != nil {
		part("form.sit.opt.fee", showFee(*o.Fee))
	}
	if len(o.Steps) > 0 {
		part("form.sit.opt.steps", showValue("", o.Steps))
	}
	return out
}

// optionText is an option in one line: its label and what it changes.
func optionText(o catalog.Option) string {
	t := o.Label
	for _, p := range optionParts(o) {
		if p.Label != label("form.sit.opt.label") {
			t += label("list.sep") + p.Label + label("punct.colon") + p.New
		}
	}
	return t
}

// elemParts lists the given fields of an added or removed list element.
func elemParts(v any) []changeRow {
	var out []changeRow
	part := func(sub, val string) {
		if val != "" {
			out = append(out, changeRow{Label: catalog.SubLabel(sub), New: val})
		}
	}
	switch x := v.(type) {
	case catalog.Material:
		part("name", x.Name)
		part("required", x.Required)
		part("form", x.Form)
		part("copies", intValue(x.Copies))
		part("source", x.Source)
		part("notes", x.Notes)
	case catalog.Step:
		part("name", x.Name)
		part("description", x.Description)
		part("days", intValue(x.Days))
	case catalog.Basis:
		part("title", x.Title)
		part("clause", x.Clause)
		part("text", x.Text)
	case catalog.FeeItem:
		part("name", x.Name)
		part("standard", x.Standard)
		part("basis", x.Basis)
	case catalog.FAQ:
		part("q", x.Q)
		part("a", x.A)
	case catalog.Situation:
		out = append(out, situationParts(x)...)
	case *catalog.Situation:
		out = append(out, situationParts(*x)...)
	case catalog.Option:
		out = append(out, optionParts(x)...)
	case *catalog.Option:
		out = append(out, optionParts(*x)...)
	default:
		out = append(out, changeRow{New: fmt.Sprint(v)})
	}
	return out
}
