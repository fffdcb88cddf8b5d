package errcat_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	errcat "github.com/errcat/errcat/generated/go"
	"github.com/errcat/errcat/generated/go/pentify"
	"github.com/errcat/errcat/generated/go/vendors"
)

// BenchmarkParse times, for every example body of the catalog (the cases of
// parse.json), the vendor's parser against json.Unmarshal of the same bytes
// into map[string]any. Vendor.Parse is what every vendor's FromResponse runs
// (FromResponse adds one field copy); BENCHMARKS.md has the ratios.
func BenchmarkParse(b *testing.B) {
	t := &testing.T{}
	cases := loadCases(t, filepath.Join(conformanceDir, "parse.json"))
	for i, c := range cases {
		v := vendors.Vendor(c.Vendor)
		body := []byte(c.Body)
		header := c.header()
		name := fmt.Sprintf("%02d_%s_%d", i, c.Vendor, c.Status)
		b.Run(name+"/FromResponse", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for n := 0; n < b.N; n++ {
				if e := v.Parse(c.Status, header, body); e.Status != c.Status {
					b.Fatal(e)
				}
			}
		})
		b.Run(name+"/Unmarshal", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for n := 0; n < b.N; n++ {
				var m map[string]any
				_ = json.Unmarshal(body, &m)
			}
		})
	}
}

// BenchmarkPentifyFromResponse is the typed entry point itself on Pentify's example.
func BenchmarkPentifyFromResponse(b *testing.B) {
	body := []byte(`{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1","details":{}}}`)
	header := http.Header{"Retry-After": {"2"}}
	for n := 0; n < b.N; n++ {
		if e := pentify.FromResponse(429, header, body); e.Code != pentify.CodeRateLimited {
			b.Fatal(e)
		}
	}
}

// BenchmarkTransport sends GETs that succeed to a server on 127.0.0.1, through
// a plain http.Transport and through errcat.Transport wrapping the same one.
func BenchmarkTransport(b *testing.B) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	defer server.Close()
	base := &http.Transport{MaxIdleConnsPerHost: 64}
	defer base.CloseIdleConnections()
	for _, c := range []struct {
		name string
		rt   http.RoundTripper
	}{
		{"plain", base},
		{"errcat", &errcat.Transport{Vendor: pentify.Vendor, Base: base, Budget: errcat.NewBudget()}},
	} {
		client := &http.Client{Transport: c.rt}
		b.Run(c.name, func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				resp, err := client.Get(server.URL)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.HasPrefix(resp.Status, "200") {
					b.Fatal(resp.Status)
				}
			}
		})
	}
}
