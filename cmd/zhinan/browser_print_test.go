package main

// Browser tests of the guide as a citizen holds it: on a phone, where every
// material's name, 份数 and note must be readable without sideways
// scrolling and the phone numbers tap to call; and on paper, where the
// print view and the counter brief are printed to PDF by Chromium, the
// pages rendered to PNG (poppler's pdftoppm) and the QR code read back:
// it must lead to the guide with the applicant's answers.
//
// pdftoppm and pdftotext (apt-get install poppler-utils) are found on
// PATH. Without them the PDF test skips, except under CI, where it fails.

import (
	"fmt"
	"image"
	_ "image/png" // the pages pdftoppm writes
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// The window of the phone test: a common phone's CSS width.
const printPhoneWidth, printPhoneHeight = 375, 740

// idCardAnswers are the answers the print tests give 居民身份证补领, in
// the guide's question order (the order of the addresses the page makes).
const idCardAnswers = "s_agent=agent&s_place=local"

// findPoppler returns the paths of pdftoppm and pdftotext, or skips the
// test (fails it under CI) when they are missing.
func findPoppler(t *testing.T) (pdftoppm, pdftotext string) {
	t.Helper()
	a, errA := exec.LookPath("pdftoppm")
	b, errB := exec.LookPath("pdftotext")
	if errA == nil && errB == nil {
		return a, b
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatal("CI is set but pdftoppm or pdftotext is missing: CI must run the print test; " +
			"install them with `apt-get install -y poppler-utils`")
	}
	t.Skip("no pdftoppm or pdftotext on PATH: the print test needs them; install them with `apt-get install -y poppler-utils`")
	return "", ""
}

// printItem is what the print tests read of GET /api/v1/items/{code}.
type printItem struct {
	Materials []struct {
		Name   string `json:"name"`
		Copies *int   `json:"copies"`
		Notes  string `json:"notes"`
	} `json:"materials"`
	ConsultPhone string `json:"consult_phone"`
}

// idCardGuide is the address of the seed 居民身份证补领, and the item.
func idCardGuide(t *testing.T, srv *server) (string, printItem) {
	t.Helper()
	var code string
	for _, h := range apiSearchFor(t, srv, url.Values{"q": {"居民身份证补领"}}).Hits {
		if h.Name == "居民身份证补领" {
			code = h.Code
			break
		}
	}
	if code == "" {
		t.Fatal("no 居民身份证补领 in the seed catalogue")
	}
	var it printItem
	if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(code), &it); status != 200 {
		t.Fatalf("GET /api/v1/items/%s: %d", code, status)
	}
	if len(it.Materials) < 4 {
		t.Fatalf("居民身份证补领 has %d materials; the test wants a guide with many", len(it.Materials))
	}
	return "/items/" + url.PathEscape(code), it
}

// phoneMaterial is what a phone shows of one material.
type phoneMaterial struct {
	Name, Copies, Notes string
	Problem             string // why a part is not readable, "" when all are
}

func TestBrowserPrintPhoneMaterials(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	guide, it := idCardGuide(t, srv)
	tb := newTab(t, srv, tabOptions{width: printPhoneWidth, height: printPhoneHeight, phone: true})
	if status := tb.navigate(guide); status != 200 {
		t.Fatalf("GET %s: %d", guide, status)
	}
	tb.do("the materials", chromedp.WaitVisible(chromedp.CSS("table.materials tbody th label")))
	tb.shot("phone")
	if w := eval[int](tb, `innerWidth`); w != printPhoneWidth {
		t.Fatalf("the phone's window is %d px wide, want %d", w, printPhoneWidth)
	}
	if sw := eval[int](tb, `document.scrollingElement.scrollWidth`); sw > printPhoneWidth {
		t.Errorf("the guide scrolls sideways on a %d px phone: scrollWidth %d; too wide: %q", printPhoneWidth, sw, eval[[]string](tb, widestElements))
	}

	// Each material's name, 份数 and note: shown, and within the screen.
	shown := eval[[]phoneMaterial](tb, `(() => {
		const readable = (el, what) => {
			if (!el) return what + ' is missing';
			const r = el.getBoundingClientRect(), s = getComputedStyle(el);
			if (el.getClientRects().length === 0 || r.width === 0 || r.height === 0 || s.visibility !== 'visible') return what + ' is hidden';
			if (r.left < 0 || r.right > innerWidth + 0.5) return what + ' reaches ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px';
			for (let p = el.parentElement; p; p = p.parentElement) {
				const o = getComputedStyle(p).overflowX;
				if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.scrollWidth > p.clientWidth + 1) return what + ' is in a box that scrolls sideways';
			}
			return '';
		};
		return Array.from(document.querySelectorAll('table.materials tbody tr'), tr => {
			const name = tr.querySelector('th label'), copies = tr.querySelector('td.mat-copies'), notes = tr.querySelector('td.mat-notes');
			const text = el => el ? el.innerText.replace(/\s+/g, ' ').trim() : '';
			return {Name: text(name), Copies: text(copies), Notes: text(notes),
				Problem: [readable(name, 'the name'), readable(copies, '份数'), readable(notes, 'the note')].filter(Boolean).join('; ')};
		});
	})()`)
	if len(shown) != len(it.Materials) {
		t.Fatalf("the phone shows %d materials, the guide has %d", len(shown), len(it.Materials))
	}
	for i, m := range it.Materials {
		s := shown[i]
		if s.Problem != "" {
			t.Errorf("material %s on a %d px phone: %s", m.Name, printPhoneWidth, s.Problem)
		}
		if s.Name != m.Name {
			t.Errorf("material %d reads %q, want %q", i+1, s.Name, m.Name)
		}
		if m.Copies != nil && (!strings.Contains(s.Copies, "份数") || !strings.Contains(s.Copies, fmt.Sprint(*m.Copies))) {
			t.Errorf("%s: 份数 reads %q, want 份数 %d", m.Name, s.Copies, *m.Copies)
		}
		if m.Notes != "" && !strings.Contains(s.Notes, m.Notes) {
			t.Errorf("%s: the note reads %q, want %q", m.Name, s.Notes, m.Notes)
		}
	}

	// The phones tap to call: the consulting phone is a tel: link.
	tels := eval[[]string](tb, `Array.from(document.querySelectorAll('a[href^="tel:"]'), a => a.getAttribute('href') + ' ' + a.textContent.trim())`)
	want := "tel:" + strings.ReplaceAll(it.ConsultPhone, "-", "") + " " + it.ConsultPhone
	if !slices.Contains(tels, want) {
		t.Errorf("the guide's tel: links are %q, want %q among them", tels, want)
	}
	if summary := eval[string](tb, `(document.querySelector('#summary a[href^="tel:"]') || {textContent: ''}).textContent`); summary != it.ConsultPhone {
		t.Errorf("the summary card's phone link reads %q, want %q", summary, it.ConsultPhone)
	}
}

func TestBrowserPrintPDF(t *testing.T) {
	findChromium(t) // before the server: skip at once
	pdftoppm, pdftotext := findPoppler(t)
	srv := startServer(t, t.TempDir())
	guide, _ := idCardGuide(t, srv)
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	want := srv.base + guide + "?" + idCardAnswers
	dir := t.TempDir()

	for _, view := range []struct{ name, path string }{
		{"print", guide + "?print=1&" + idCardAnswers},
		{"brief", guide + "/brief?" + idCardAnswers},
	} {
		before := time.Now()
		if status := tb.navigate(view.path); status != 200 {
			t.Fatalf("GET %s: %d", view.path, status)
		}
		tb.do(view.name+": the QR code", chromedp.WaitVisible(chromedp.CSS("footer.print-foot svg.qr")))
		tb.shot(view.name)
		pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
		if err != nil {
			tb.fail(view.name+": print to PDF", err)
		}
		file := filepath.Join(dir, view.name+".pdf")
		if err := os.WriteFile(file, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		prefix := filepath.Join(dir, view.name)
		if out, err := exec.Command(pdftoppm, "-png", "-r", "150", file, prefix).CombinedOutput(); err != nil {
			t.Fatalf("%s: pdftoppm: %v\n%s", view.name, err, out)
		}
		pages, _ := filepath.Glob(prefix + "-*.png")
		if len(pages) == 0 {
			t.Fatalf("%s: pdftoppm made no page of %s", view.name, file)
		}
		slices.Sort(pages)
		// The QR code of the printed sheet leads to the guide, with the answers.
		var read []string
		for _, png := range pages {
			if text, err := decodeQR(png); err == nil {
				read = append(read, text)
			}
		}
		if len(read) != 1 || read[0] != want {
			t.Errorf("%s: the QR codes of the %d printed pages read %q, want one: %q", view.name, len(pages), read, want)
		}
		if keep := os.Getenv("ZHINAN_SCREENSHOTS"); keep != "" {
			for i, png := range pages {
				if b, err := os.ReadFile(png); err == nil {
					_ = os.WriteFile(filepath.Join(screenshotDir(t), fmt.Sprintf("%s-%s-page%d.png", t.Name(), view.name, i+1)), b, 0o644)
				}
			}
		}

		// The text of the paper: the address, the print date, the notes;
		// no navigation, no buttons.
		out, err := exec.Command(pdftotext, file, "-").Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", view.name, err)
		}
		text := string(out)
		flat := strings.Join(strings.Fields(text), "")
		dates := []string{printDay(before), printDay(time.Now())}
		if !strings.Contains(flat, "打印日期："+dates[0]) && !strings.Contains(flat, "打印日期："+dates[1]) {
			t.Errorf("%s: the PDF has no print date 打印日期：%s:\n%s", view.name, dates[1], text)
		}
		if !strings.Contains(flat, strings.TrimPrefix(want, "http://")) {
			t.Errorf("%s: the PDF does not print the address %s:\n%s", view.name, want, text)
		}
		// The answers hold on paper: 委托他人办理 adds its two materials.
		// The brief's list keeps each note whole (a table cell of the print
		// view comes out of pdftotext in pieces, between other columns').
		musts := []string{"授权委托书", "受托人居民身份证"}
		if view.name == "brief" {
			musts = append(musts, "在户籍地补领时提供，异地补领不需要", "窗口现场打印，申请人核对后签名")
		}
		for _, m := range musts {
			if !strings.Contains(flat, m) {
				t.Errorf("%s: the PDF lacks %q:\n%s", view.name, m, text)
			}
		}
		for _, nav := range []string{"跳到主要内容", "首页", "部门登录", "选择地区", "打印办事指南", "窗口简版", "查看完整指南", "生成我的材料清单", "重新选择", "其他地区的同一事项", "本页目录"} {
			if strings.Contains(flat, nav) {
				t.Errorf("%s: the PDF prints %q, navigation or a button", view.name, nav)
			}
		}
	}
}

// printDay is the date a sheet printed at t carries (Asia/Shanghai, UTC+8).
func printDay(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
}

// decodeQR reads the QR code of a PNG image.
func decodeQR(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return "", err
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}
