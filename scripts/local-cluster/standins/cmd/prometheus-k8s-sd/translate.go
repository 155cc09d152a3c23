package main

import (
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// discovery is one kubernetes_sd_configs entry, replaced in the configuration by a file_sd_configs entry that
// reads file; the discoverer keeps file up to date.
type discovery struct {
	file       string
	role       string
	namespaces []string // empty: every namespace
}

// translate rewrites a Prometheus configuration: every kubernetes_sd_configs entry (scrape jobs and Alertmanagers)
// becomes a file_sd_configs entry, and relative rule_files become absolute (the rewritten file lives elsewhere).
// Debian's Prometheus 2.42 is built without the Kubernetes service discovery, so this is how it finds targets.
func translate(src []byte, srcDir, sdDir, ownNamespace string) ([]byte, []discovery, error) {
	var cfg map[string]interface{}
	if err := yaml.Unmarshal(src, &cfg); err != nil {
		return nil, nil, fmt.Errorf("configuration is not YAML: %w", err)
	}
	if cfg == nil {
		cfg = map[string]interface{}{}
	}
	var found []discovery
	rewrite := func(kind string, i int, block map[string]interface{}) error {
		list, ok := block["kubernetes_sd_configs"].([]interface{})
		if !ok {
			return nil
		}
		delete(block, "kubernetes_sd_configs")
		var files []interface{}
		for j, item := range list {
			sd, ok := item.(map[string]interface{})
			if !ok {
				return fmt.Errorf("%s %d: kubernetes_sd_configs entry %d is not a map", kind, i, j)
			}
			d := discovery{file: filepath.Join(sdDir, fmt.Sprintf("%s-%d-%d.json", kind, i, j))}
			d.role, _ = sd["role"].(string)
			if ns, ok := sd["namespaces"].(map[string]interface{}); ok {
				if own, _ := ns["own_namespace"].(bool); own {
					d.namespaces = append(d.namespaces, ownNamespace)
				}
				if names, ok := ns["names"].([]interface{}); ok {
					for _, n := range names {
						if s, ok := n.(string); ok {
							d.namespaces = append(d.namespaces, s)
						}
					}
				}
			}
			found = append(found, d)
			files = append(files, map[string]interface{}{"files": []interface{}{d.file}, "refresh_interval": "5s"})
		}
		existing, _ := block["file_sd_configs"].([]interface{})
		block["file_sd_configs"] = append(existing, files...)
		return nil
	}
	if jobs, ok := cfg["scrape_configs"].([]interface{}); ok {
		for i, j := range jobs {
			if m, ok := j.(map[string]interface{}); ok {
				if err := rewrite("scrape", i, m); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	if alerting, ok := cfg["alerting"].(map[string]interface{}); ok {
		if ams, ok := alerting["alertmanagers"].([]interface{}); ok {
			for i, a := range ams {
				if m, ok := a.(map[string]interface{}); ok {
					if err := rewrite("alertmanagers", i, m); err != nil {
						return nil, nil, err
					}
				}
			}
		}
	}
	if rules, ok := cfg["rule_files"].([]interface{}); ok {
		for i, r := range rules {
			if s, ok := r.(string); ok && !filepath.IsAbs(s) {
				rules[i] = filepath.Join(srcDir, s)
			}
		}
	}
	out, err := yaml.Marshal(cfg)
	return out, found, err
}
