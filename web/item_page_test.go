package web

import (
	"image"
	"image/color"
	"image/draw"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"zhinan/catalog"
)

// The guide page as a citizen reads it on a phone and on paper: the
// summary card on top, phone numbers to tap, the other regions' items of
// the same service, and the print view and brief with the guide's
// address as a QR code.

// seedItem is the seed catalogue's item of the entry baseCode and name in
// the region.
func seedItem(t *testing.T, f *fixture, baseCode, name, region string) catalog.Item {
	t.Helper()
	for _, it := range f.cat.Items {
		if it.BaseCode == baseCode && it.Name == name && it.Region == region {
			return it
		}
	}
	t.Fatalf("the seed catalogue has no %s (%s) in %s", name, baseCode, region)
	return catalog.Item{}
}

// idCardReissue is the seed 居民身份证补领 of the city: many materials,
// notes, a fee, a phone, an online address and appointments.
func idCardReissue(t *testing.T, f *fixture) catalog.Item {
	return seedItem(t, f, "071006000000", "居民身份证补领", "610900")
}

func TestItemPhoneParts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // numbers as [text|tel], text as is
	}{
		{"0915-3212345", "[0915-3212345|tel:09153212345]"},
		{"0915-3212345（工作日）", "[0915-3212345|tel:09153212345]（工作日）"},
		{"0915-3212345、12345", "[0915-3212345|tel:09153212345]、[12345|tel:12345]"},
		{"咨询：0915 3212345；手机13800000000", "咨询：[0915 3212345|tel:09153212345]；手机[13800000000|tel:13800000000]"},
		{"０９１５－３２１２３４５", "[０９１５－３２１２３４５|tel:09153212345]"},
		{"+86-915-3212345", "[+86-915-3212345|tel:+869153212345]"},
		{"工作日 9:00-17:00 拨打 110", "工作日 9:00-17:00 拨打 110"},
		{"", ""},
	} {
		var b strings.Builder
		for _, p := range phoneParts(tc.in) {
			if p.Tel != "" {
				b.WriteString("[" + p.Text + "|" + string(p.Tel) + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		if b.String() != tc.want {
			t.Errorf("phoneParts(%q) = %s, want %s", tc.in, b.String(), tc.want)
		}
	}
}

func TestItemBreakURL(t *testing.T) {
	got := string(breakURL("https://zwfw.shaanxi.gov.cn/ak/proinfo?code=1&a=<b>"))
	want := "https://<wbr>zwfw<wbr>.shaanxi<wbr>.gov<wbr>.cn/<wbr>ak/<wbr>proinfo<wbr>?code<wbr>=1<wbr>&amp;a<wbr>=&lt;b&gt;"
	if got != want {
		t.Errorf("breakURL = %s\nwant      %s", got, want)
	}
}

// section returns the HTML of the page's <section id="id">, "" without.
func section(body, id string) string {
	i := strings.Index(body, `<section id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

func TestItemSummaryCard(t *testing.T) {
	f := seedServer(t)
	it := idCardReissue(t, f)
	r := get(t, f.srv, "/items/"+url.PathEscape(it.Code))
	mustStatus(t, "the guide", r, http.StatusOK)
	card := section(r.body, "summary")
	if card == "" {
		t.Fatal("the guide has no summary card (section#summary)")
	}
	tel := "tel:" + strings.ReplaceAll(it.ConsultPhone, "-", "")
	mustContain(t, "the summary card", card, "<h2 id=\"summary-h\">办事要点</h2>",
		"<dt>到现场次数</dt><dd>1 次</dd>",
		"<dt>承诺时限</dt><dd>15 个工作日</dd>",
		"<dt>收费</dt><dd>居民身份证工本费（丢失补领） 每证40元</dd>",
		"<dt>办理地点</dt><dd>"+it.Location,
		`<dt>咨询电话</dt><dd class="tel"><a href="`+tel+`">`+it.ConsultPhone+`</a></dd>`,
		// The online address is a link, its text wrapping after the slashes.
		`<dt>网上办理</dt><dd><a class="url" href="`+strings.ReplaceAll(it.OnlineURL, "&", "&amp;")+`" rel="noopener">https://<wbr>zwfw`,
		// 支持预约办理 = 是, and the guide has no booking address: the phone.
		`<dt>预约</dt><dd class="tel">支持预约，预约电话：<a href="`+tel+`">`)
	// Every phone of the page is a tel: link, the complaint line too.
	mustContain(t, "the contact section", section(r.body, "contact"),
		`<a href="tel:`+strings.ReplaceAll(it.ComplaintPhone, "-", "")+`">`+it.ComplaintPhone+`</a>`)

	// The card and the materials come first; codes and levels last.
	order := []string{`id="summary"`, `id="situations"`, `id="materials"`, `id="steps"`, `id="conditions"`, `id="basic"`, "<dt>实施编码</dt>", "<dt>基本编码</dt>"}
	last := -1
	for _, mark := range order {
		i := strings.Index(r.body, mark)
		if i < 0 {
			t.Fatalf("the guide lacks %s", mark)
		}
		if i < last {
			t.Errorf("%s comes before %s; want the order %q", mark, order[max(0, slicesIndex(order, mark)-1)], order)
		}
		last = i
	}

	// Every material's 份数 and notes are in the page, labelled for the
	// cards a phone shows.
	mats := section(r.body, "materials")
	for _, m := range it.Materials {
		mustContain(t, "the materials", mats, `<td class="mat-notes"><span class="cell-label" aria-hidden="true">填报说明</span>`+m.Notes+"</td>")
	}
	mustContain(t, "the materials", mats, `<td class="mat-copies"><span class="cell-label" aria-hidden="true">份数</span>1</td>`)

	// An answer the card depends on changes it: 委托他人办理 keeps the
	// same figures, and the card is swapped in place by app.js.
	r = get(t, f.srv, "/items/"+url.PathEscape(it.Code)+"?s_agent=agent")
	mustContain(t, "the card of an answered guide", r.body, `<section id="summary" class="summary-card" aria-labelledby="summary-h" data-sit-swap="summary">`)
}

func slicesIndex(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// siblingLinks are the region links of the page's 其他地区的同一事项.
var siblingLink = regexp.MustCompile(`<li><a href="/items/([^"]+)">[^<]*</a>`)

func TestItemOtherRegionsSameService(t *testing.T) {
	f := seedServer(t)
	it := seedItem(t, f, "201045000000", "住房公积金提取（购房）", "610900")
	var want []string
	for _, o := range f.cat.Items {
		if o.BaseCode == it.BaseCode && o.Name == it.Name && o.Code != it.Code {
			want = append(want, o.Code)
		}
	}
	if len(want) == 0 {
		t.Fatal("the seed 住房公积金提取（购房） is offered in one region only")
	}
	r := get(t, f.srv, "/items/"+url.PathEscape(it.Code))
	mustStatus(t, "the guide", r, http.StatusOK)
	sib := section(r.body, "siblings")
	mustContain(t, "其他地区的同一事项", sib, "<h2 id=\"siblings-h\">其他地区的同一事项</h2>", `<details class="siblings">`,
		"<summary>查看同一事项在其他 "+strconv.Itoa(len(want))+" 个地区的办理指南</summary>")
	mustNotContain(t, "其他地区的同一事项 of 购房", sib, "租房", "退休", " open")
	var got []string
	for _, m := range siblingLink.FindAllStringSubmatch(sib, -1) {
		got = append(got, m[1])
		if o, err := f.store.Published(t.Context(), m[1]); err != nil || o.Name != it.Name {
			t.Errorf("其他地区的同一事项 links %s, not a 住房公积金提取（购房） (%v)", m[1], err)
		}
	}
	if len(got) != len(want) {
		t.Errorf("其他地区的同一事项 lists %d items, want the %d other regions' %s", len(got), len(want), it.Name)
	}
}

func TestBriefKeepsMaterialNotes(t *testing.T) {
	f := seedServer(t)
	it := idCardReissue(t, f)
	r := get(t, f.srv, "/items/"+url.PathEscape(it.Code)+"/brief")
	mustStatus(t, "the brief", r, http.StatusOK)
	mustContain(t, "the brief", r.body, `<span class="mat-note">在户籍地补领时提供，异地补领不需要</span>`,
		`<span class="mat-note">窗口现场打印，申请人核对后签名</span>`,
		`<a href="tel:`+strings.ReplaceAll(it.ConsultPhone, "-", "")+`">`)
}

// qrText decodes the QR code of the page's inline SVG (qrSVG): its path
// of unit rectangles drawn at 8 px a module.
func qrText(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<svg class="qr"[^>]*viewBox="0 0 (\d+) \d+"[^>]*>.*?<path fill="#000" d="([^"]*)"/></svg>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no QR code (svg.qr) in the page")
	}
	const scale = 8
	n, _ := strconv.Atoi(m[1])
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for _, r := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`).FindAllStringSubmatch(m[2], -1) {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		draw.Draw(img, image.Rect(x*scale, y*scale, (x+w)*scale, (y+1)*scale), image.NewUniform(color.Black), image.Point{}, draw.Src)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the QR code: %v", err)
	}
	return res.GetText()
}

// getFrom is get with the request's own scheme, host and headers.
func getFrom(t *testing.T, h http.Handler, target string, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil) // an https target has TLS set
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	serveChecked(t, h, rec, req)
	return response{rec.Code, rec.Result().Header, rec.Body.String()}
}

func TestPrintAndBriefQRCode(t *testing.T) {
	f := seedServer(t)
	it := idCardReissue(t, f)
	guide := "/items/" + url.PathEscape(it.Code)
	want := "https://zhinan.example.cn" + guide + "?s_agent=agent"
	before := printDate(time.Now())
	for _, target := range []string{guide + "?print=1&s_agent=agent", guide + "/brief?s_agent=agent"} {
		r := getFrom(t, f.srv, "https://zhinan.example.cn"+target, nil)
		mustStatus(t, target, r, http.StatusOK)
		if got := qrText(t, r.body); got != want {
			t.Errorf("%s: the QR code reads %q, want the guide's address with the answer %q", target, got, want)
		}
		foot := r.body[strings.Index(r.body, `<footer class="print-foot"`):]
		mustContain(t, target+": the printed footer", foot, `<svg class="qr"`, `role="img" aria-label="本指南网址的二维码"`,
			`<a class="url" href="`+strings.ReplaceAll(want, "&", "&amp;")+`">https://<wbr>zhinan`)
		if after := printDate(time.Now()); !strings.Contains(foot, "打印日期："+before) && !strings.Contains(foot, "打印日期："+after) {
			t.Errorf("%s: the footer has no print date 打印日期：%s", target, after)
		}
	}
	// Plain HTTP, and a forwarding header from a proxy zhinan does not
	// trust changes nothing.
	r := getFrom(t, f.srv, "http://127.0.0.1:8080"+guide+"?print=1", map[string]string{"X-Forwarded-Proto": "https"})
	if got := qrText(t, r.body); got != "http://127.0.0.1:8080"+guide {
		t.Errorf("over http with an untrusted X-Forwarded-Proto the QR code reads %q", got)
	}
	// The guide page, printed from the browser's menu, has the address
	// and the date (without the QR code, which costs more than the page).
	r = getFrom(t, f.srv, "http://zhinan.example.cn"+guide+"?s_nope=1", nil)
	foot := r.body[strings.Index(r.body, `<footer class="print-foot"`):]
	mustContain(t, "the guide page's printed footer", foot, `<a class="url" href="http://zhinan.example.cn`+guide+`">`, "打印日期：")
	mustNotContain(t, "the guide page's printed footer", foot, "<svg")
}
