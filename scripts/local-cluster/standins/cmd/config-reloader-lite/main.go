// Command config-reloader-lite stands in for prometheus-config-reloader in the lab's local cluster: it watches the
// given folders (a mounted ConfigMap) and, when a file in them changes, POSTs to the reload URL until that succeeds.
// It accepts the flags the prometheus chart passes (--watched-dir, --listen-address, --reload-url) and serves
// /healthz and a few counters on /metrics. It does not render config templates (--config-file) or substitute
// environment variables; the chart's configmap-reload container does not ask for either.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

type dirs []string

func (d *dirs) String() string     { return strings.Join(*d, ",") }
func (d *dirs) Set(v string) error { *d = append(*d, v); return nil }

func main() {
	var watched dirs
	flag.Var(&watched, "watched-dir", "folder to watch (repeatable)")
	listen := flag.String("listen-address", ":8080", "address of /healthz and /metrics")
	reloadURL := flag.String("reload-url", "http://127.0.0.1:9090/-/reload", "URL to POST on a change")
	interval := flag.Duration("watch-interval", 3*time.Second, "how often the folders are read")
	retry := flag.Duration("retry-interval", 5*time.Second, "wait between failed reloads")
	flag.Parse()
	if len(watched) == 0 {
		log.Fatal("config-reloader-lite: at least one --watched-dir is required")
	}

	var reloads, failures atomic.Int64
	go serve(*listen, &reloads, &failures)

	last := digest(watched)
	log.Printf("config-reloader-lite: watching %s, reload URL %s", watched.String(), *reloadURL)
	for {
		time.Sleep(*interval)
		now := digest(watched)
		if now == last {
			continue
		}
		for {
			if err := reload(*reloadURL); err != nil {
				failures.Add(1)
				log.Printf("config-reloader-lite: reload failed, retrying in %s: %v", *retry, err)
				time.Sleep(*retry)
				continue
			}
			reloads.Add(1)
			log.Printf("config-reloader-lite: configuration changed, reloaded")
			break
		}
		last = now
	}
}

// digest hashes every regular file's name and content under the folders (symbolic links followed, as a mounted
// ConfigMap's ..data link is).
func digest(folders []string) string {
	h := sha256.New()
	for _, d := range folders {
		var files []string
		_ = filepath.Walk(d, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && !strings.Contains(p, "/..") {
				files = append(files, p)
			}
			return nil
		})
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			fmt.Fprintf(h, "%s\x00%d\x00", f, len(b))
			h.Write(b)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func reload(url string) error {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Post(url, "text/plain", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

func serve(addr string, reloads, failures *atomic.Int64) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "OK") })
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE reloader_reloads_total counter\nreloader_reloads_total %d\n", reloads.Load())
		fmt.Fprintf(w, "# TYPE reloader_reloads_failed_total counter\nreloader_reloads_failed_total %d\n", failures.Load())
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
