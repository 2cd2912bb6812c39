package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/feedback"
	"zhinan/report"
	"zhinan/store"
)

// What citizens say of the service (docs/contract.md#feedback), as pages
// that work without JavaScript and without an account: the rating block
// (好差评) of every guide and bundle page with its public figures, the
// 指南有误 form of a guide (?section= preselects the part), the 办不成事
// form (a desk clerk signed in files it for a citizen), and the citizen's
// ticket page, which the unguessable link of a filed ticket opens. Posts
// answer 303 to the ticket page or a thank-you page; a form with problems
// comes back (422) with the citizen's text and every problem named.
//
// Anonymous posts are refused when the browser says they come from
// another site, are rate limited per address (feedback_limit.go) and
// carry a honeypot field: a filled one is answered as if stored and
// nothing is stored. The JSON API is in feedback_api.go.

// honeypotField is the form field people never see and bots fill in.
const honeypotField = "website"

// feedbackRoutes registers the feedback pages and API (one line in New).
func (s *Server) feedbackRoutes(r *gin.Engine, v1 *gin.RouterGroup) {
	s.fbLimiter = newWindowLimiter(feedbackMax, feedbackWindow)
	r.POST("/items/:code/rating", s.page(s.ratePost(feedback.TargetItem)))
	r.POST("/bundles/:code/rating", s.page(s.ratePost(feedback.TargetBundle)))
	r.GET("/items/:code/report", s.page(s.reportGet))
	r.POST("/items/:code/report", s.page(s.reportPost))
	r.GET("/fail", s.page(s.failGet))
	r.POST("/fail", s.page(s.failPost))
	r.GET("/tickets/:token", s.page(s.ticketPage))
	r.GET("/feedback/thanks", s.page(s.thanksPage))
	v1.POST("/ratings", api(s.apiRate))
	v1.POST("/error-reports", api(s.apiReportError))
	v1.POST("/fail-reports", api(s.apiReportFail))
	v1.GET("/tickets/:token", api(s.apiTicket))
}

// ---------------------------------------------------------------- checks

// refuseOtherSites refuses a post the browser says comes from another
// site (Sec-Fetch-Site, Origin or Referer); one that says nothing (a
// script of another system) passes. With the session cookie the crossSite
// middleware has already required this site.
func refuseOtherSites(c *gin.Context) error {
	if known, same := requestOrigin(c.Request); known && !same {
		return &Error{Status: http.StatusForbidden, Code: "cross_site", Message: MsgCrossSite}
	}
	return nil
}

// limitFeedback counts a submission of the client's address and refuses
// it (429, Retry-After) beyond feedbackMax in feedbackWindow. Signed-in
// staff (a desk clerk filing for citizens) answer for what they file and
// are not limited by address.
func (s *Server) limitFeedback(c *gin.Context) error {
	if currentUser(c) != nil {
		return nil
	}
	wait := s.fbLimiter.take(addressKey(clientIP(c)))
	if wait <= 0 {
		return nil
	}
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: MsgTooManyFeedback,
		RetryAfter: int((wait + time.Second - 1) / time.Second)}
}

// feedbackForm runs the checks of a posted feedback form, in order: where
// it comes from (403), the body (413, 400), the form token of a signed-in
// user's session, the rate limit (429).
func (s *Server) feedbackForm(c *gin.Context) error {
	if err := refuseOtherSites(c); err != nil {
		return err
	}
	if err := c.Request.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return badRequest("body", label("form.err.body"))
	}
	if currentUser(c) != nil && c.GetString(ctxViaAuth) == "cookie" {
		if err := s.checkCSRF(c); err != nil {
			return err
		}
	}
	return s.limitFeedback(c)
}

// honeypot says whether the form's hidden field was filled in (a bot).
func honeypot(c *gin.Context) bool { return strings.TrimSpace(c.PostForm(honeypotField)) != "" }

// feedbackError maps the store's refusal of feedback beyond its bound per
// day to 503, with Retry-After until the next day in China; other errors
// pass.
func feedbackError(err error, now time.Time) error {
	if !errors.Is(err, store.ErrFeedbackFull) {
		return err
	}
	y, m, d := now.In(chinaTime).Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, chinaTime)
	return &Error{Status: http.StatusServiceUnavailable, Code: "feedback_full", Message: store.MsgFeedbackFull,
		RetryAfter: max(1, int(next.Sub(now).Seconds()))}
}

// fieldErrors returns the field errors of a validation error, or nil.
func fieldErrors(err error) []catalog.FieldError {
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		return ve.Errors
	}
	return nil
}

// namesTarget says whether a validation error is about the target: a
// code of a page's path that cannot be any item's or bundle's.
func namesTarget(errs []catalog.FieldError) bool {
	return slices.ContainsFunc(errs, func(e catalog.FieldError) bool { return e.Field == "target" })
}

// ---------------------------------------------------------------- fields

// applyErrors shows each field error at its field (reasons[1] at
// reasons, target at the item) and returns the summary's lines.
func applyErrors(errs []catalog.FieldError, fields ...*formField) []issue {
	var out []issue
	for _, e := range errs {
		name, _, _ := strings.Cut(e.Field, "[")
		i := slices.IndexFunc(fields, func(f *formField) bool { return f.Name == name || name == "target" && f.Name == "item" })
		if i < 0 {
			out = append(out, issue{Message: e.Message})
			continue
		}
		f := fields[i]
		if !slices.Contains(f.Errors, e.Message) {
			f.Errors = append(f.Errors, e.Message)
		}
		out = append(out, issue{Label: f.Label, Message: e.Message, Anchor: "#" + f.ID})
	}
	return out
}

// keptText is what a form shows again of a text the citizen typed: all of
// it, up to four times the limit (beyond that, the page would only carry
// a flood back).
func keptText(s string, limit int) string {
	if utf8.RuneCountInString(s) <= 4*limit {
		return s
	}
	return string([]rune(s)[:4*limit])
}

// ---------------------------------------------------------------- ratings

// ratingForm is the rating form (好差评) of a guide or bundle: on its page,
// and on the page that shows it again with its problems.
type ratingForm struct {
	Action                  string
	CSRF                    string
	Level, Reasons, Comment formField
	Honeypot                string // the honeypot's id
	Errors                  []issue
}

// ratingValues are the values of a rating form as posted.
type ratingValues struct {
	Level   string
	Reasons []string
	Comment string
}

// newRatingForm draws the rating form posting to action with the values
// and the problems errs.
func newRatingForm(action, csrf string, v ratingValues, errs []catalog.FieldError) *ratingForm {
	f := &ratingForm{Action: action, CSRF: csrf, Honeypot: "rate-" + honeypotField,
		Level:   formField{Name: "level", ID: "rate-level", Label: label("feedback.rate.level"), Kind: "radios", Required: true},
		Reasons: formField{Name: "reasons", ID: "rate-reasons", Label: label("feedback.rate.reasons"), Kind: "checks"},
		Comment: formField{Name: "comment", ID: "rate-comment", Label: label("feedback.rate.comment"), Kind: "textarea",
			Value: keptText(v.Comment, feedback.MaxCommentRunes), MaxLen: feedback.MaxCommentRunes,
			Hint: tf("feedback.rate.comment.hint", feedback.MaxCommentRunes)},
	}
	for _, l := range feedback.Levels {
		val := strconv.Itoa(int(l))
		f.Level.Options = append(f.Level.Options, option{Value: val, Label: l.Label(), Selected: v.Level == val})
	}
	for _, r := range feedback.Reasons {
		f.Reasons.Options = append(f.Reasons.Options, option{Value: string(r), Label: r.Label(), Selected: slices.Contains(v.Reasons, string(r))})
	}
	f.Errors = applyErrors(errs, &f.Level, &f.Reasons, &f.Comment)
	return f
}

// feedbackView is the feedback block of a guide or a bundle page: the
// public figures, the rating form, the links to the other forms.
type feedbackView struct {
	Known   bool   // the figures could be read
	Ratings int64  // how many rated
	Rate    string // the satisfaction rate in percent ("91.67"), "" without ratings
	Form    *ratingForm
	Report  string // the 指南有误 form of the guide as a whole ("" for a bundle)
	Fail    string // the 办不成事 form
	code    string // the guide's code, for the links of its sections
}

// Wrong is the 指南有误 link of the guide's section field.
func (v *feedbackView) Wrong(field string) wrongLink {
	if v.code == "" {
		return wrongLink{}
	}
	section := label("feedback.report.whole")
	if field != "" {
		section = catalog.Label(field)
	}
	return wrongLink{URL: reportURL(v.code, field), Section: section}
}

// wrongLink is the 指南有误 link beside a section's heading.
type wrongLink struct{ URL, Section string }

// reportURL is the 指南有误 form of item code, its section field chosen.
func reportURL(code, field string) string {
	u := "/items/" + url.PathEscape(code) + "/report"
	if field != "" {
		u += "?section=" + url.QueryEscape(field)
	}
	return u
}

// targetPath is the page of a rated item or bundle.
func targetPath(t feedback.Target) string {
	if t.Kind == feedback.TargetBundle {
		return "/bundles/" + url.PathEscape(t.Code)
	}
	return "/items/" + url.PathEscape(t.Code)
}

// satisfaction is the satisfaction rate of figures, in percent rounded
// half-up to two decimals as the reports round (report.Percent); nil
// without ratings.
func satisfaction(f store.RatingFigures) report.Rate {
	return report.Percent(int(f.Satisfied), int(f.Ratings))
}

// rateText is a rate as the pages show it ("91.67"), "" for none.
func rateText(r report.Rate) string {
	if r == nil {
		return ""
	}
	return strconv.FormatFloat(*r, 'f', 2, 64)
}

// feedbackBlock is the feedback block of the page of t; the figures are
// left out (and the failure logged) when they cannot be read.
func (s *Server) feedbackBlock(c *gin.Context, t feedback.Target) *feedbackView {
	v := &feedbackView{Form: newRatingForm(targetPath(t)+"/rating", s.csrfToken(c), ratingValues{}, nil), Fail: "/fail"}
	if t.Kind == feedback.TargetItem {
		v.code, v.Report = t.Code, reportURL(t.Code, "")
		v.Fail = "/fail?item=" + url.QueryEscape(t.Code)
	}
	figs, err := s.store.RatingFigures(c.Request.Context(), t)
	if err != nil {
		slog.Error("read rating figures", "target", t.Code, "err", err) // the page is still right without them
		return v
	}
	v.Known, v.Ratings, v.Rate = true, figs.Ratings, rateText(satisfaction(figs))
	return v
}

// itemFeedback is the feedback block of the guide page of item code.
func (s *Server) itemFeedback(c *gin.Context, code string) *feedbackView {
	return s.feedbackBlock(c, feedback.Target{Kind: feedback.TargetItem, Code: code})
}

// bundleFeedback is the feedback block of the page of bundle code.
func (s *Server) bundleFeedback(c *gin.Context, code string) *feedbackView {
	return s.feedbackBlock(c, feedback.Target{Kind: feedback.TargetBundle, Code: code})
}

// targetName is the name of the published item or bundle t, or
// catalog.ErrNotFound.
func (s *Server) targetName(ctx context.Context, t feedback.Target) (string, error) {
	if t.Kind == feedback.TargetBundle {
		set, err := s.bundles.get(ctx)
		if err != nil {
			return "", err
		}
		b, ok := set.byCode[t.Code]
		if !ok {
			return "", catalog.ErrNotFound
		}
		return b.Name, nil
	}
	p, err := s.store.Published(ctx, t.Code)
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

// ratePage is the data of a rating form shown again with its problems.
type ratePage struct {
	Name, Back string
	Form       *ratingForm
}

// ratePost is POST /items/{code}/rating and /bundles/{code}/rating.
func (s *Server) ratePost(kind feedback.TargetKind) pageFunc {
	return func(c *gin.Context) error {
		if err := s.feedbackForm(c); err != nil {
			return err
		}
		t := feedback.Target{Kind: kind, Code: c.Param("code")}
		if honeypot(c) {
			c.Redirect(http.StatusSeeOther, thanksURL(&t))
			return nil
		}
		v := ratingValues{Level: c.PostForm("level"), Reasons: c.PostFormArray("reasons"), Comment: formText(c.PostForm("comment"))}
		if len(v.Reasons) > len(feedback.Reasons)+1 {
			v.Reasons = v.Reasons[:len(feedback.Reasons)+1] // enough to name one twice
		}
		r := feedback.Rating{Target: t, Comment: strings.TrimSpace(v.Comment)}
		if n, err := strconv.Atoi(strings.TrimSpace(v.Level)); err == nil {
			r.Level = feedback.Level(n) // checked by the domain: 1 to 5
		}
		for _, why := range v.Reasons {
			r.Reasons = append(r.Reasons, feedback.Reason(why))
		}
		ctx := c.Request.Context()
		filed, err := s.store.Rate(ctx, &r)
		if errs := fieldErrors(err); errs != nil {
			if namesTarget(errs) {
				return catalog.ErrNotFound
			}
			name, err := s.targetName(ctx, t)
			if err != nil {
				return err
			}
			p := ratePage{Name: name, Back: targetPath(t), Form: newRatingForm(targetPath(t)+"/rating", s.csrfToken(c), v, errs)}
			s.render(c, http.StatusUnprocessableEntity, "feedback-rate", s.feedbackLayout(c, tf("feedback.rate.title", name), "page-rate", p))
			return nil
		}
		if err != nil {
			return feedbackError(err, time.Now())
		}
		if filed != nil { // a 差评: its ticket
			c.Redirect(http.StatusSeeOther, ticketURL(filed.Token, true))
			return nil
		}
		c.Redirect(http.StatusSeeOther, thanksURL(&t))
		return nil
	}
}

// feedbackLayout is the layout of a feedback page: never indexed.
func (s *Server) feedbackLayout(c *gin.Context, title, body string, page any) layoutData {
	d := s.layout(c, title, "page-feedback "+body, page)
	d.NoIndex = true
	return d
}

// ticketURL is the citizen's page of a ticket; filed says it was just
// filed (the page says so).
func ticketURL(token string, filed bool) string {
	u := "/tickets/" + url.PathEscape(token)
	if filed {
		u += "?filed=1"
	}
	return u
}

// thanksURL is the thank-you page after feedback about t (nil: none).
func thanksURL(t *feedback.Target) string {
	if t == nil {
		return "/feedback/thanks"
	}
	return "/feedback/thanks?" + url.Values{string(t.Kind): {t.Code}}.Encode()
}

// thanksPage is the data of the thank-you page.
type thanksPage struct {
	Name, Back string
}

// thanksPage is GET /feedback/thanks?item= (or bundle=): thanks, and the
// way back to the page the feedback was about when it is published.
func (s *Server) thanksPage(c *gin.Context) error {
	var p thanksPage
	for _, kind := range []feedback.TargetKind{feedback.TargetItem, feedback.TargetBundle} {
		code := c.Query(string(kind))
		if code == "" || len(code) > feedback.MaxCodeLen {
			continue
		}
		t := feedback.Target{Kind: kind, Code: code}
		name, err := s.targetName(c.Request.Context(), t)
		if err == nil {
			p.Name, p.Back = name, targetPath(t)
		} else if !errors.Is(err, catalog.ErrNotFound) {
			return err
		}
		break
	}
	s.render(c, http.StatusOK, "feedback-thanks", s.feedbackLayout(c, label("feedback.thanks.title"), "page-thanks", p))
	return nil
}

// ---------------------------------------------------------------- 指南有误

// reportSections are the parts of a guide the 指南有误 form offers, in the
// order of the guide page; any guide field is accepted.
var reportSections = []string{"materials", "situations", "steps", "conditions", "promised_days", "legal_days", "fee",
	"result", "location", "hours", "online_url", "consult_phone", "complaint_phone", "faq", "basis", "visits", "online_depth"}

// reportPage is the data of the 指南有误 form of a guide.
type reportPage struct {
	Name, Back, Action     string
	CSRF                   string
	Section, What, Contact formField
	Honeypot               string
	Errors                 []issue
}

// reportValues are the values of the 指南有误 form.
type reportValues struct{ Section, What, Contact string }

func newReportPage(p *catalog.Published, csrf string, v reportValues, errs []catalog.FieldError) *reportPage {
	rp := &reportPage{Name: p.Name, Back: targetPath(feedback.Target{Kind: feedback.TargetItem, Code: p.Code}),
		Action: reportURL(p.Code, ""), CSRF: csrf, Honeypot: "report-" + honeypotField,
		Section: formField{Name: "section", ID: "report-section", Label: label("feedback.report.section"), Kind: "select"},
		What: formField{Name: "what", ID: "report-what", Label: label("feedback.report.what"), Kind: "textarea", Required: true,
			Value: keptText(v.What, feedback.MaxWhatRunes), MaxLen: feedback.MaxWhatRunes,
			Hint: tf("feedback.report.what.hint", feedback.MaxWhatRunes)},
		Contact: formField{Name: "contact", ID: "report-contact", Label: label("feedback.report.contact"), Kind: "text",
			Value: keptText(v.Contact, feedback.MaxContactRunes), MaxLen: feedback.MaxContactRunes, Hint: label("feedback.report.contact.hint")},
	}
	rp.Section.Options = append(rp.Section.Options, option{Value: "", Label: label("feedback.report.whole"), Selected: v.Section == ""})
	sections := reportSections
	if _, ok := catalog.FieldLabels[v.Section]; ok && !slices.Contains(sections, v.Section) {
		sections = append(slices.Clone(sections), v.Section)
	}
	for _, f := range sections {
		rp.Section.Options = append(rp.Section.Options, option{Value: f, Label: catalog.Label(f), Selected: v.Section == f})
	}
	rp.Errors = applyErrors(errs, &rp.Section, &rp.What, &rp.Contact)
	return rp
}

// reportGet is GET /items/{code}/report?section=: the 指南有误 form.
func (s *Server) reportGet(c *gin.Context) error {
	p, err := s.store.Published(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	v := reportValues{Section: c.Query("section")}
	if _, ok := catalog.FieldLabels[v.Section]; !ok {
		v.Section = ""
	}
	rp := newReportPage(p, s.csrfToken(c), v, nil)
	s.render(c, http.StatusOK, "feedback-report", s.feedbackLayout(c, tf("feedback.report.title", p.Name), "page-report", rp))
	return nil
}

// reportPost is POST /items/{code}/report.
func (s *Server) reportPost(c *gin.Context) error {
	if err := s.feedbackForm(c); err != nil {
		return err
	}
	t := feedback.Target{Kind: feedback.TargetItem, Code: c.Param("code")}
	if honeypot(c) {
		c.Redirect(http.StatusSeeOther, thanksURL(&t))
		return nil
	}
	v := reportValues{Section: c.PostForm("section"), What: formText(c.PostForm("what")), Contact: c.PostForm("contact")}
	r := feedback.ErrorReport{Target: t, Section: v.Section, What: strings.TrimSpace(v.What), Contact: strings.TrimSpace(v.Contact)}
	ctx := c.Request.Context()
	filed, err := s.store.ReportError(ctx, &r)
	if errs := fieldErrors(err); errs != nil {
		if namesTarget(errs) {
			return catalog.ErrNotFound
		}
		p, err := s.store.Published(ctx, t.Code)
		if err != nil {
			return err
		}
		rp := newReportPage(p, s.csrfToken(c), v, errs)
		s.render(c, http.StatusUnprocessableEntity, "feedback-report", s.feedbackLayout(c, tf("feedback.report.title", p.Name), "page-report", rp))
		return nil
	}
	if err != nil {
		return feedbackError(err, time.Now())
	}
	c.Redirect(http.StatusSeeOther, ticketURL(filed.Token, true))
	return nil
}

// ---------------------------------------------------------------- 办不成事

// failPage is the data of the 办不成事 form.
type failPage struct {
	Action string
	CSRF   string
	// Clerk is the desk clerk (or admin) signed in, who files the report
	// for a citizen (代办).
	Clerk string
	// Item is the item concerned, when the form was opened from its
	// guide; ItemName its name, ItemURL its guide.
	Item, ItemName, ItemURL string
	Kind, What, Phone       formField
	Honeypot                string
	Errors                  []issue
}

// failValues are the values of the 办不成事 form.
type failValues struct{ Kind, Item, What, Phone string }

// filesForCitizens says whether u files 办不成事 reports for citizens at
// the hall's window: a desk clerk, or an admin.
func filesForCitizens(u *catalog.User) bool {
	return u != nil && (u.Role == catalog.RoleDesk || u.Role == catalog.RoleAdmin)
}

// newFailPage draws the 办不成事 form; item is the item concerned, if any.
func (s *Server) newFailPage(c *gin.Context, item *catalog.Published, v failValues, errs []catalog.FieldError) *failPage {
	fp := &failPage{Action: "/fail", CSRF: s.csrfToken(c), Honeypot: "fail-" + honeypotField,
		Kind: formField{Name: "kind", ID: "fail-kind", Label: label("feedback.fail.kind"), Kind: "radios", Required: true},
		What: formField{Name: "what", ID: "fail-what", Label: label("feedback.fail.what"), Kind: "textarea", Required: true,
			Value: keptText(v.What, feedback.MaxWhatRunes), MaxLen: feedback.MaxWhatRunes,
			Hint: tf("feedback.fail.what.hint", feedback.MaxWhatRunes)},
		Phone: formField{Name: "phone", ID: "fail-phone", Label: label("feedback.fail.phone"), Kind: "tel",
			Value: keptText(v.Phone, feedback.MaxContactRunes), MaxLen: 20, Hint: label("feedback.fail.phone.hint")},
	}
	if u := currentUser(c); filesForCitizens(u) {
		fp.Clerk = u.Name
	}
	if item != nil {
		fp.Item, fp.ItemName = item.Code, item.Name
		fp.ItemURL = targetPath(feedback.Target{Kind: feedback.TargetItem, Code: item.Code})
	}
	for _, k := range feedback.FailKinds {
		fp.Kind.Options = append(fp.Kind.Options, option{Value: string(k), Label: k.Label(), Selected: v.Kind == string(k)})
	}
	fields := []*formField{&fp.Kind, &fp.What, &fp.Phone}
	if item != nil { // the item's line (fb-item) shows its problems in the summary
		fields = append(fields, &formField{Name: "item", ID: "fail-item", Label: label("feedback.fail.item")})
	}
	fp.Errors = applyErrors(errs, fields...)
	return fp
}

// failItem is the published item code names, nil for "" or an item that
// is not published (the form then names none).
func (s *Server) failItem(ctx context.Context, code string) (*catalog.Published, error) {
	if code == "" || len(code) > feedback.MaxCodeLen {
		return nil, nil
	}
	p, err := s.store.Published(ctx, code)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// failGet is GET /fail?item=: the 办不成事 form.
func (s *Server) failGet(c *gin.Context) error {
	item, err := s.failItem(c.Request.Context(), c.Query("item"))
	if err != nil {
		return err
	}
	fp := s.newFailPage(c, item, failValues{}, nil)
	s.render(c, http.StatusOK, "feedback-fail", s.feedbackLayout(c, label("feedback.fail.title"), "page-fail", fp))
	return nil
}

// failPost is POST /fail.
func (s *Server) failPost(c *gin.Context) error {
	if err := s.feedbackForm(c); err != nil {
		return err
	}
	if honeypot(c) {
		c.Redirect(http.StatusSeeOther, thanksURL(nil))
		return nil
	}
	v := failValues{Kind: c.PostForm("kind"), Item: strings.TrimSpace(c.PostForm("item")), What: formText(c.PostForm("what")), Phone: c.PostForm("phone")}
	r := feedback.FailReport{Kind: feedback.FailKind(v.Kind), What: strings.TrimSpace(v.What), Phone: strings.TrimSpace(foldDigits(v.Phone))}
	if v.Item != "" {
		r.Target = &feedback.Target{Kind: feedback.TargetItem, Code: v.Item}
	}
	if u := currentUser(c); filesForCitizens(u) {
		r.FiledBy = u.Name
	}
	ctx := c.Request.Context()
	filed, err := s.store.ReportFail(ctx, &r)
	if r.Target != nil && errors.Is(err, catalog.ErrNotFound) {
		// The item is no longer published (or never was): the form again,
		// without it, keeping what the citizen wrote.
		err = &catalog.ValidationError{Errors: []catalog.FieldError{{Field: "target", Message: label("feedback.fail.item.gone")}}}
	}
	if errs := fieldErrors(err); errs != nil {
		item, err := s.failItem(ctx, v.Item)
		if err != nil {
			return err
		}
		fp := s.newFailPage(c, item, v, errs)
		s.render(c, http.StatusUnprocessableEntity, "feedback-fail", s.feedbackLayout(c, label("feedback.fail.title"), "page-fail", fp))
		return nil
	}
	if err != nil {
		return feedbackError(err, time.Now())
	}
	c.Redirect(http.StatusSeeOther, ticketURL(filed.Token, true))
	return nil
}

// ---------------------------------------------------------------- tickets

// ticketView is a ticket as its citizen reads it, through its link: what
// was reported and the department's answer, never the contact left, the
// clerk who filed it or the account that answered.
type ticketView struct {
	Kind         feedback.Kind     `json:"kind"`
	KindLabel    string            `json:"kind_label"`
	State        feedback.State    `json:"state"`
	StateLabel   string            `json:"state_label"`
	Target       *feedback.Target  `json:"target,omitempty"`
	TargetName   string            `json:"target_name,omitempty"`
	TargetURL    string            `json:"target_url,omitempty"`
	Department   string            `json:"department"` // "" for the hall's 办不成事 desk
	Level        feedback.Level    `json:"level,omitempty"`
	LevelLabel   string            `json:"level_label,omitempty"`
	Reasons      []feedback.Reason `json:"reasons,omitempty"`
	ReasonLabels []string          `json:"reason_labels,omitempty"`
	Section      string            `json:"section,omitempty"`
	SectionLabel string            `json:"section_label,omitempty"`
	FailKind     feedback.FailKind `json:"fail_kind,omitempty"`
	FailLabel    string            `json:"fail_kind_label,omitempty"`
	What         string            `json:"what,omitempty"`
	Reply        string            `json:"reply,omitempty"`
	Outcome      feedback.State    `json:"outcome,omitempty"`
	// Edition is the guide edition of an 整改, FixedURL the guide.
	Edition   int       `json:"edition,omitempty"`
	FixedURL  string    `json:"fixed_url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Due is the last day on time (China time): to settle the ticket, or
	// for 办不成事 to first contact the citizen.
	Due     string `json:"due"`
	Overdue bool   `json:"overdue"`
}

// newTicketView is the citizen's view of t at now.
func newTicketView(t *store.Ticket, now time.Time) *ticketView {
	v := &ticketView{Kind: t.Kind, KindLabel: t.Kind.Label(), State: t.State, StateLabel: t.State.Label(),
		Target: t.Target, TargetName: t.TargetName, Department: t.Department, What: t.What, Reply: t.Reply,
		Outcome: t.Outcome, CreatedAt: t.CreatedAt, Due: t.DueDay().Format(time.DateOnly), Overdue: t.Overdue(now)}
	if t.Target != nil {
		v.TargetURL = targetPath(*t.Target)
	}
	switch t.Kind {
	case feedback.KindRating:
		v.Level, v.LevelLabel, v.Reasons = t.Level, t.Level.Label(), t.Reasons
		for _, r := range t.Reasons {
			if l := r.Label(); l != "" {
				v.ReasonLabels = append(v.ReasonLabels, l)
			}
		}
	case feedback.KindError:
		v.Section, v.SectionLabel = t.Section, label("feedback.report.whole")
		if t.Section != "" {
			v.SectionLabel = catalog.Label(t.Section)
		}
	case feedback.KindFail:
		v.FailKind, v.FailLabel = t.FailKind, t.FailKind.Label()
	}
	if t.Outcome == feedback.StateFixed && t.Edition > 0 && t.Target != nil && t.Target.Kind == feedback.TargetItem {
		v.Edition, v.FixedURL = t.Edition, v.TargetURL
	}
	return v
}

// ticketPageData is the data of the citizen's ticket page.
type ticketPageData struct {
	T     *ticketView
	Filed bool   // just filed: the page says it was received
	URL   string // the page's address, to keep
}

// privateTicket marks an answer about a ticket: no cache keeps it, and
// no link followed from it sends its address (the token) as Referer.
func privateTicket(c *gin.Context) {
	c.Header("Cache-Control", "private, no-store")
	c.Header("Referrer-Policy", "no-referrer")
}

// ticketPage is GET /tickets/{token}: the citizen's ticket.
func (s *Server) ticketPage(c *gin.Context) error {
	privateTicket(c)
	token := c.Param("token")
	t, err := s.store.TicketByToken(c.Request.Context(), token)
	if err != nil {
		return err
	}
	p := ticketPageData{T: newTicketView(t, time.Now()), Filed: c.Query("filed") != "",
		URL: s.absoluteURL(c, ticketURL(token, false))}
	s.render(c, http.StatusOK, "ticket", s.feedbackLayout(c, label("ticket.title"), "page-ticket", p))
	return nil
}
