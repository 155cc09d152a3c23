// Command prometheus-k8s-sd is the entrypoint of the lab's stand-in Prometheus image. Debian's Prometheus 2.42 is
// built without the Kubernetes service discovery, so this wrapper rewrites the configuration the chart mounts
// (every kubernetes_sd_configs entry becomes a file_sd_configs entry, see translate.go), keeps those files up to
// date by listing the API server every few seconds with the pod's ServiceAccount (roles pod and endpoints, see
// discover.go), and runs Prometheus on the rewritten file with every other argument unchanged. A change of the
// mounted configuration is rewritten within a second, before the config reloader's POST to /-/reload.
package main

import (
	"context"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"selfheal.dev/lab/standins/kubeapi"
)

const nsFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

func main() {
	prometheus := envOr("PROMETHEUS_BINARY", "/usr/bin/prometheus")
	sdDir := envOr("K8S_SD_DIR", "/tmp/k8s-sd")
	const refreshEvery = 3 // seconds between listings; the configuration is checked every second

	args, src := configArg(os.Args[1:])
	derived := filepath.Join(sdDir, "prometheus.yml")
	if err := os.MkdirAll(sdDir, 0o755); err != nil {
		log.Fatalf("prometheus-k8s-sd: %v", err)
	}
	own := "default"
	if b, err := os.ReadFile(nsFile); err == nil {
		own = strings.TrimSpace(string(b))
	}
	discoveries, lastSrc, err := rewrite(src, derived, sdDir, own, nil)
	if err != nil {
		log.Fatalf("prometheus-k8s-sd: %v", err)
	}
	client, err := kubeapi.InCluster()
	if err != nil {
		log.Printf("prometheus-k8s-sd: no API server, Kubernetes targets stay empty: %v", err)
	}

	cmd := exec.Command(prometheus, append(args, "--config.file="+derived)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatalf("prometheus-k8s-sd: starting %s: %v", prometheus, err)
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	go func() {
		lastErr := map[string]string{}
		for tick := 0; ; tick++ {
			if d, s, err := rewrite(src, derived, sdDir, own, lastSrc); err != nil {
				log.Printf("prometheus-k8s-sd: keeping the previous configuration: %v", err)
			} else if d != nil {
				discoveries, lastSrc = d, s
				log.Printf("prometheus-k8s-sd: %s changed, rewritten", src)
			}
			if client != nil && tick%refreshEvery == 0 {
				for _, d := range discoveries {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					msg := ""
					if err := refresh(ctx, client, d); err != nil {
						msg = err.Error()
					}
					cancel()
					if msg != lastErr[d.file] && msg != "" {
						log.Printf("prometheus-k8s-sd: %s: %s", filepath.Base(d.file), msg)
					}
					lastErr[d.file] = msg
				}
			}
			time.Sleep(time.Second)
		}
	}()
	err = cmd.Wait()
	if exit, ok := err.(*exec.ExitError); ok {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		log.Fatalf("prometheus-k8s-sd: %v", err)
	}
}

// configArg takes --config.file out of the arguments (either form) and returns the rest and its value.
func configArg(in []string) ([]string, string) {
	src := "/etc/prometheus/prometheus.yml"
	var out []string
	for i := 0; i < len(in); i++ {
		a := in[i]
		switch {
		case strings.HasPrefix(a, "--config.file="):
			src = strings.TrimPrefix(a, "--config.file=")
		case a == "--config.file" && i+1 < len(in):
			src = in[i+1]
			i++
		default:
			out = append(out, a)
		}
	}
	return out, src
}

// rewrite translates src into derived when src differs from last; nil discoveries mean nothing changed.
func rewrite(src, derived, sdDir, own string, last []byte) ([]discovery, []byte, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return nil, last, err
	}
	if last != nil && string(b) == string(last) {
		return nil, last, nil
	}
	out, found, err := translate(b, filepath.Dir(src), sdDir, own)
	if err != nil {
		return nil, last, err
	}
	for _, d := range found {
		if _, err := os.Stat(d.file); os.IsNotExist(err) {
			if err := writeIfChanged(d.file, []byte("[]")); err != nil {
				return nil, last, err
			}
		}
	}
	if found == nil {
		found = []discovery{}
	}
	return found, b, writeIfChanged(derived, out)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
