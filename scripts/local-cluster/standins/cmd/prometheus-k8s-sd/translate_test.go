package main

import (
	"strings"
	"testing"
)

const chartConfig = `
scrape_configs:
- job_name: ksm
  kubernetes_sd_configs:
  - role: endpoints
    namespaces:
      own_namespace: true
- job_name: prometheus
  static_configs:
  - targets: [localhost:9090]
rule_files: [rules.yml, /etc/config/alerting_rules.yml]
alerting:
  alertmanagers:
  - kubernetes_sd_configs:
    - role: pod
`

func TestKubernetesDiscoveryBecomesFileDiscovery(t *testing.T) {
	out, found, err := translate([]byte(chartConfig), "/etc/config", "/tmp/sd", "monitoring")
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if strings.Contains(text, "kubernetes_sd_configs") || strings.Count(text, "file_sd_configs") != 2 {
		t.Fatalf("rewritten configuration:\n%s", text)
	}
	if !strings.Contains(text, "/etc/config/rules.yml") || !strings.Contains(text, "localhost:9090") {
		t.Fatalf("rule files or static targets lost:\n%s", text)
	}
	if len(found) != 2 || found[0].role != "endpoints" || len(found[0].namespaces) != 1 ||
		found[0].namespaces[0] != "monitoring" || found[1].role != "pod" || found[1].namespaces != nil {
		t.Fatalf("discoveries %+v", found)
	}
}

func TestPodTargetsCarryPrometheusMetaLabels(t *testing.T) {
	var p pod
	p.Metadata = objectMeta{Name: "ms-abc-x", Namespace: "default", Labels: map[string]string{"pod-template-hash": "abc"},
		Annotations: map[string]string{"prometheus.io/scrape": "true"}}
	p.Metadata.OwnerReferences = append(p.Metadata.OwnerReferences, struct {
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Controller bool   `json:"controller"`
	}{"ReplicaSet", "ms-abc", true})
	c := container{Name: "model-server"}
	c.Ports = append(c.Ports, struct {
		Name          string `json:"name"`
		ContainerPort int    `json:"containerPort"`
		Protocol      string `json:"protocol"`
	}{"http", 8080, "TCP"})
	p.Spec.Containers = []container{c, {Name: "sidecar"}}
	p.Status.PodIP = "10.244.0.5"
	groups := podGroups([]pod{p, {}}) // a pod without an IP has no target
	if len(groups) != 2 || groups[0].Targets[0] != "10.244.0.5:8080" || groups[1].Targets[0] != "10.244.0.5" {
		t.Fatalf("groups %+v", groups)
	}
	l := groups[0].Labels
	for k, want := range map[string]string{
		"__meta_kubernetes_pod_label_pod_template_hash":         "abc",
		"__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
		"__meta_kubernetes_pod_controller_kind":                 "ReplicaSet",
		"__meta_kubernetes_pod_container_port_number":           "8080",
	} {
		if l[k] != want {
			t.Errorf("%s = %q, want %q", k, l[k], want)
		}
	}
}
