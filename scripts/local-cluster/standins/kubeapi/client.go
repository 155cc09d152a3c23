// Package kubeapi is the smallest client of the Kubernetes API the lab's stand-in add-ons need: GET a list of
// objects, with the pod's ServiceAccount token, and decode it. Standard library only, so it builds offline.
package kubeapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

const saDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// Client reaches one API server.
type Client struct {
	base      string
	tokenFile string
	http      *http.Client
}

// InCluster builds a client from the pod's environment: KUBERNETES_SERVICE_HOST/PORT, the ServiceAccount's CA and
// token. KUBE_API_URL (plain http, for tests on loopback only) replaces all of that.
func InCluster() (*Client, error) {
	if u := os.Getenv("KUBE_API_URL"); u != "" {
		return &Client{base: strings.TrimRight(u, "/"), http: &http.Client{Timeout: 10 * time.Second}}, nil
	}
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, fmt.Errorf("not in a pod: KUBERNETES_SERVICE_HOST/PORT unset (set KUBE_API_URL for a test)")
	}
	ca, err := os.ReadFile(saDir + "/ca.crt")
	if err != nil {
		return nil, fmt.Errorf("service account CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("service account CA %s/ca.crt holds no certificate", saDir)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &Client{
		base:      "https://" + net.JoinHostPort(host, port),
		tokenFile: saDir + "/token",
		http:      &http.Client{Timeout: 10 * time.Second, Transport: tr},
	}, nil
}

// List GETs path (e.g. /api/v1/pods) and decodes the JSON answer into out.
func (c *Client) List(ctx context.Context, path string, out interface{}) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	if c.tokenFile != "" {
		// Read each time: the kubelet may rotate a projected token.
		tok, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return fmt.Errorf("service account token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Meta is the part of an object's metadata the stand-ins read.
type Meta struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	UID       string `json:"uid"`
}
