package main

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/klog/v2"
	kubeadmscheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme"
	configutil "k8s.io/kubernetes/cmd/kubeadm/app/util/config"
	"k8s.io/kubernetes/cmd/kubeadm/app/util/config/strict"
	"sigs.k8s.io/yaml"
)

var kubeadmVersions = []string{"kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4"}

func init() {
	// kubeadm warns (deprecated v1beta3, ignored documents) through klog; the
	// answer is the JSON on stdout.
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
}

// baseClusterConfiguration is a ClusterConfiguration shaped like the one kind
// generates for a single control-plane node, in the given kubeadm API version:
// the document the patches are merged into. (kind's own also carries
// metadata.name, which kubeadm's strict decoding only warns about; it is left
// out so that anything strict decoding finds comes from the patches.)
func baseClusterConfiguration(apiVersion string) map[string]interface{} {
	var apiServerArgs, controllerManagerArgs interface{}
	if apiVersion == "kubeadm.k8s.io/v1beta4" {
		apiServerArgs = []interface{}{map[string]interface{}{"name": "runtime-config", "value": ""}}
		controllerManagerArgs = []interface{}{map[string]interface{}{"name": "enable-hostpath-provisioner", "value": "true"}}
	} else {
		apiServerArgs = map[string]interface{}{"runtime-config": ""}
		controllerManagerArgs = map[string]interface{}{"enable-hostpath-provisioner": "true"}
	}
	return map[string]interface{}{
		"apiVersion":           apiVersion,
		"kind":                 "ClusterConfiguration",
		"kubernetesVersion":    "v1.36.4",
		"clusterName":          "kind",
		"controlPlaneEndpoint": "kind-control-plane:6443",
		"apiServer": map[string]interface{}{
			"certSANs":  []interface{}{"localhost", "127.0.0.1"},
			"extraArgs": apiServerArgs,
		},
		"controllerManager": map[string]interface{}{"extraArgs": controllerManagerArgs},
		"networking": map[string]interface{}{
			"podSubnet":     "10.244.0.0/16",
			"serviceSubnet": "10.96.0.0/16",
		},
	}
}

func initConfiguration(apiVersion string) string {
	return fmt.Sprintf(`apiVersion: %s
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 172.18.0.2
  bindPort: 6443
nodeRegistration:
  name: kind-control-plane
  criSocket: unix:///run/containerd/containerd.sock
`, apiVersion)
}

var documentSeparator = regexp.MustCompile(`(?m)^---[^\n]*$`)

func splitDocuments(stream string) []string {
	var docs []string
	for _, doc := range documentSeparator.Split(stream, -1) {
		if strings.TrimSpace(doc) != "" {
			docs = append(docs, doc)
		}
	}
	return docs
}

// applyAndLoad merges every ClusterConfiguration patch that targets apiVersion
// (kind applies a patch when its kind matches and its apiVersion is empty or
// equal) into the base, then loads the result with kubeadm.
func applyAndLoad(apiVersion string, patches []string) kubeadmResult {
	r := kubeadmResult{APIVersion: apiVersion}
	target := baseClusterConfiguration(apiVersion)
	for _, patch := range patches {
		for _, doc := range splitDocuments(patch) {
			var meta struct {
				Kind       string `json:"kind"`
				APIVersion string `json:"apiVersion"`
			}
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				r.Error = fmt.Sprintf("a patch is not YAML: %v", err)
				return r
			}
			if meta.Kind != "ClusterConfiguration" || (meta.APIVersion != "" && meta.APIVersion != apiVersion) {
				continue
			}
			r.Patches++
			if meta.APIVersion != "" {
				// The patch names its version, so it must be a valid document of it.
				gv, _ := schema.ParseGroupVersion(meta.APIVersion)
				gvk := gv.WithKind(meta.Kind)
				if err := strict.VerifyUnmarshalStrict([]*runtime.Scheme{kubeadmscheme.Scheme}, gvk, []byte(doc)); err != nil {
					r.Error = fmt.Sprintf("patch refused by kubeadm's strict decoding: %v", err)
					return r
				}
			}
			patchJSON, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil {
				r.Error = fmt.Sprintf("a patch is not YAML: %v", err)
				return r
			}
			var patchMap map[string]interface{}
			if err := json.Unmarshal(patchJSON, &patchMap); err != nil {
				r.Error = fmt.Sprintf("a patch is not an object: %v", err)
				return r
			}
			if apiVersion == "kubeadm.k8s.io/v1beta4" {
				mergeArgLists(target, patchMap, meta.APIVersion == "")
			}
			targetJSON, _ := json.Marshal(target)
			strippedJSON, _ := json.Marshal(patchMap)
			merged, err := jsonpatch.MergePatch(targetJSON, strippedJSON)
			if err != nil {
				r.Error = fmt.Sprintf("merging a patch: %v", err)
				return r
			}
			target = map[string]interface{}{}
			if err := json.Unmarshal(merged, &target); err != nil {
				r.Error = err.Error()
				return r
			}
		}
	}
	if r.Patches == 0 {
		r.Error = "no ClusterConfiguration patch applies to this version"
		return r
	}
	clusterYAML, err := yaml.Marshal(target)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	stream := string(clusterYAML) + "---\n" + initConfiguration(apiVersion)
	// The merged document must still decode strictly, then load fully.
	gv, _ := schema.ParseGroupVersion(apiVersion)
	if err := strict.VerifyUnmarshalStrict([]*runtime.Scheme{kubeadmscheme.Scheme}, gv.WithKind("ClusterConfiguration"), clusterYAML); err != nil {
		r.Error = fmt.Sprintf("patched configuration refused by kubeadm's strict decoding: %v", err)
		return r
	}
	cfg, err := configutil.BytesToInitConfiguration([]byte(stream), true)
	if err != nil {
		r.Error = fmt.Sprintf("kubeadm refused the patched configuration: %v", err)
		return r
	}
	api := &apiServerResult{ExtraArgs: map[string]string{}, ExtraVolumes: []volumeResult{}}
	for _, arg := range cfg.APIServer.ExtraArgs {
		if _, dup := api.ExtraArgs[arg.Name]; dup {
			r.Error = fmt.Sprintf("kube-apiserver argument %q given twice", arg.Name)
			return r
		}
		api.ExtraArgs[arg.Name] = arg.Value
	}
	for _, v := range cfg.APIServer.ExtraVolumes {
		api.ExtraVolumes = append(api.ExtraVolumes, volumeResult{
			Name: v.Name, HostPath: v.HostPath, MountPath: v.MountPath, ReadOnly: v.ReadOnly, PathType: string(v.PathType),
		})
	}
	sort.Slice(api.ExtraVolumes, func(i, j int) bool { return api.ExtraVolumes[i].Name < api.ExtraVolumes[j].Name })
	r.APIServer = api
	r.OK = true
	return r
}

// mergeArgLists merges v1beta4's {name, value} argument lists by name, as kind
// does for v1beta4 targets (a plain merge patch would replace the whole list),
// and removes them from the patch. A map-shaped patch list is accepted only
// when the patch names no apiVersion (kind converts those; a v1beta4 patch with
// a map is left in place for strict decoding to refuse).
func mergeArgLists(target, patch map[string]interface{}, versionless bool) {
	for key, value := range patch {
		if key == "extraArgs" || key == "kubeletExtraArgs" {
			var items []interface{}
			switch v := value.(type) {
			case []interface{}:
				items = v
			case map[string]interface{}:
				if !versionless {
					continue
				}
				names := make([]string, 0, len(v))
				for name := range v {
					names = append(names, name)
				}
				sort.Strings(names)
				for _, name := range names {
					items = append(items, map[string]interface{}{"name": name, "value": v[name]})
				}
			default:
				continue
			}
			existing, _ := target[key].([]interface{})
			for _, item := range items {
				m, ok := item.(map[string]interface{})
				if !ok {
					continue
				}
				name, _ := m["name"].(string)
				found := -1
				for i, e := range existing {
					if em, ok := e.(map[string]interface{}); ok && em["name"] == name {
						found = i
						break
					}
				}
				switch {
				case found >= 0 && m["value"] == nil:
					existing = append(existing[:found], existing[found+1:]...)
				case found >= 0:
					existing[found].(map[string]interface{})["value"] = m["value"]
				case m["value"] != nil:
					existing = append(existing, map[string]interface{}{"name": name, "value": m["value"]})
				}
			}
			target[key] = existing
			delete(patch, key)
			continue
		}
		if sub, ok := value.(map[string]interface{}); ok {
			t, ok := target[key].(map[string]interface{})
			if !ok {
				t = map[string]interface{}{}
				target[key] = t
			}
			mergeArgLists(t, sub, versionless)
		}
	}
}
