package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"zhinan/report"
	"zhinan/search"
	"zhinan/web"
)

// minMemoryLimitMiB is the least soft memory limit serve sets by itself.
// The live heap of a server over 100,000 items is about 250 MiB (most of it
// the word segmenter's dictionary); without a limit the collector lets the
// heap grow to twice the live heap between collections.
const minMemoryLimitMiB = 480

// autoMemoryLimit is the soft memory limit for a live heap of live bytes
// and searching that may take room bytes more (search.Index.RoomBytes:
// the caches and the work slots, which fill as searches come): room for
// half the heap again and for that, and never below minMemoryLimitMiB,
// so that a large catalogue does not make the collector run without
// pause (at a million varied items, a limit leaving out the caches kept
// it busy under load, p99 2.5 s against 0.5 s; one leaving out the work
// slots, 129 requests a second of the distinct mix against 279 with no
// limit).
func autoMemoryLimit(live uint64, room int64) int64 {
	return max(int64(minMemoryLimitMiB)<<20, int64(live)*3/2+room)
}

// setMemoryLimit applies serve's soft memory limit once the index is
// open: mib when given, else autoMemoryLimit of the heap then live and
// the index's room; GOMEMLIMIT in the environment wins.
func setMemoryLimit(mib int, room int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if mib > 0 {
		debug.SetMemoryLimit(int64(mib) << 20)
		return
	}
	if mib == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		limit := autoMemoryLimit(ms.HeapAlloc, room)
		debug.SetMemoryLimit(limit)
		slog.Info("soft memory limit", "MiB", limit>>20)
	}
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	noSeed := fs.Bool("no-seed", false, "do not load the bundled seed catalogue into an empty data dir")
	demo := fs.Bool("demo", false, "create demo accounts for a local try-out and print their passwords (never in production)")
	memLimit := fs.Int("memory-limit", 0, "soft memory limit in MiB: the garbage collector works harder as the heap nears it (0: 1.5 × the heap after start plus the room of the search caches and work slots, at least 480; -1: none; the GOMEMLIMIT environment variable wins)")
	siteRegion := siteRegionFlag(fs)
	holidays := holidaysFlag(fs)
	secureCookies := fs.Bool("secure-cookies", false, "mark the session cookie Secure: TLS ends in a proxy in front of zhinan")
	var proxies cidrList
	fs.Var(&proxies, "trusted-proxy", "CIDR (or address) of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed; repeatable")
	limits := rateLimitFlags(fs)
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if err := limits.check(); err != nil {
		return err
	}
	cal, calFile, err := loadCalendar(*holidays, loc.dir)
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	st.Calendar = cal
	if calFile != "" {
		slog.Info("holiday calendar", "file", calFile)
	}
	warnUncovered(cal, st.Now())
	if !*noSeed {
		// Replicas starting together on one new database seed it once.
		err := st.Exclusive(ctx, "seed", func() error {
			seeded, err := seedIfEmpty(ctx, st)
			if seeded {
				slog.Info("loaded the seed catalogue", "data", loc.dir)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	if *demo {
		if err := ensureDemoAccounts(ctx, st, stdout); err != nil {
			return err
		}
	}
	index, err := search.Open(ctx, loc.dir, st)
	if err != nil {
		return err
	}
	defer index.Close()
	setMemoryLimit(*memLimit, index.RoomBytes())
	go index.Run(ctx)
	targets, err := report.LoadTargets(loc.dir)
	if err != nil {
		return err
	}
	if err := checkSiteRegion(ctx, st, *siteRegion); err != nil {
		return err
	}
	handler, err := web.New(ctx, st, index, web.Options{HomeRegion: *siteRegion, Targets: targets,
		SecureCookies: *secureCookies, TrustedProxies: proxies, AddressLimit: limits.address, TokenLimit: limits.token})
	if err != nil {
		return err
	}
	// Writes by other replicas wake the index and the requests waiting
	// for the change feed at once (PostgreSQL's notifications); their
	// polls catch up when one is lost.
	go st.WatchChanges(ctx, func() {
		index.Notify()
		handler.StoreChanged()
	})
	viewsDone := make(chan struct{})
	go func() { handler.Run(ctx); close(viewsDone) }()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	fmt.Fprintf(stdout, "zhinan serving http://%s/ (data %s%s)\n", ln.Addr(), loc.dir, loc.describeDB())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-viewsDone // the last page views are written before the store closes
	return nil
}

// cidrList is the value of the repeatable --trusted-proxy flag: CIDRs
// (10.0.0.0/8) or single addresses, also comma-separated.
type cidrList []*net.IPNet

func (l *cidrList) String() string {
	var parts []string
	for _, n := range *l {
		parts = append(parts, n.String())
	}
	return strings.Join(parts, ",")
}

func (l *cidrList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return fmt.Errorf("not an address or CIDR: %q", part)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			*l = append(*l, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return fmt.Errorf("not an address or CIDR: %q", part)
		}
		*l = append(*l, n)
	}
	return nil
}

// rateLimits are the API's rate limits as serve's flags give them.
type rateLimits struct{ address, token web.RateLimit }

// rateLimitFlags defines --rate-limit, --rate-burst, --token-rate-limit
// and --token-rate-burst (docs/api.md#rate-limits).
func rateLimitFlags(fs *flag.FlagSet) *rateLimits {
	l := &rateLimits{}
	fs.Float64Var(&l.address.Rate, "rate-limit", web.DefaultAddressRate, "API requests per second per client address (behind --trusted-proxy: the forwarded client); 0: no limit")
	fs.IntVar(&l.address.Burst, "rate-burst", web.DefaultAddressBurst, "API requests a client address may send at once before --rate-limit applies")
	fs.Float64Var(&l.token.Rate, "token-rate-limit", web.DefaultTokenRate, "API requests per second per system token; 0: no limit")
	fs.IntVar(&l.token.Burst, "token-rate-burst", web.DefaultTokenBurst, "API requests a system token may send at once before --token-rate-limit applies")
	return l
}

// check refuses negative limits.
func (l *rateLimits) check() error {
	switch {
	case l.address.Rate < 0:
		return fmt.Errorf("%w: --rate-limit must be 0 (no limit) or more", errUsage)
	case l.token.Rate < 0:
		return fmt.Errorf("%w: --token-rate-limit must be 0 (no limit) or more", errUsage)
	case l.address.Burst < 1 || l.token.Burst < 1:
		return fmt.Errorf("%w: --rate-burst and --token-rate-burst must be at least 1", errUsage)
	}
	return nil
}
