// Command kube-state-metrics-lite stands in for kube-state-metrics in the lab's local cluster. On each scrape of
// /metrics it lists pods and Deployments and writes the few series the lab's alerts and exercises read, named and
// labelled as kube-state-metrics 2.x names them (see families.go). It accepts the chart's flags (--port,
// --telemetry-port, --resources: the list is logged, the families are fixed) and answers /livez on the main port
// and /readyz on the telemetry port once a listing has succeeded.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"selfheal.dev/lab/standins/kubeapi"
)

func main() {
	host := flag.String("host", "", "address of the metrics port (empty: every address)")
	port := flag.Int("port", 8080, "port of /metrics and /livez")
	telemetryHost := flag.String("telemetry-host", "", "address of the telemetry port (empty: every address)")
	telemetryPort := flag.Int("telemetry-port", 8081, "port of /readyz and /metrics about this process")
	resources := flag.String("resources", "", "accepted for compatibility; the stand-in always writes its fixed families")
	flag.Parse()
	if *resources != "" {
		log.Printf("kube-state-metrics-lite: --resources given (%d bytes); writing pod and deployment families only", len(*resources))
	}
	client, err := kubeapi.InCluster()
	if err != nil {
		log.Fatalf("kube-state-metrics-lite: %v", err)
	}
	var listed atomic.Bool
	var scrapes, failures atomic.Int64

	metrics := http.NewServeMux()
	metrics.HandleFunc("/livez", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "OK") })
	metrics.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		scrapes.Add(1)
		ctx, cancel := context.WithTimeout(r.Context(), 4*time.Second)
		defer cancel()
		var buf bytes.Buffer
		if err := write(ctx, client, &buf); err != nil {
			failures.Add(1)
			log.Printf("kube-state-metrics-lite: %v", err)
			http.Error(w, "listing failed: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		listed.Store(true)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write(buf.Bytes())
	})

	telemetry := http.NewServeMux()
	telemetry.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if !listed.Load() {
			// Ready once the API server can be listed, whether or not a scrape has come yet.
			ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
			defer cancel()
			var probe struct{}
			if err := client.List(ctx, "/api/v1/pods?limit=1", &probe); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			listed.Store(true)
		}
		_, _ = io.WriteString(w, "OK")
	})
	telemetry.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "# TYPE kube_state_metrics_lite_scrapes_total counter\nkube_state_metrics_lite_scrapes_total %d\n", scrapes.Load())
		fmt.Fprintf(w, "# TYPE kube_state_metrics_lite_failures_total counter\nkube_state_metrics_lite_failures_total %d\n", failures.Load())
	})
	go listen(net.JoinHostPort(*telemetryHost, strconv.Itoa(*telemetryPort)), telemetry)
	listen(net.JoinHostPort(*host, strconv.Itoa(*port)), metrics)
}

func listen(addr string, h http.Handler) {
	log.Printf("kube-state-metrics-lite: listening on %s", addr)
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
