{{- define "lienket.labels" -}}
app.kubernetes.io/part-of: lienket
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "lienket.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.repository .name (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end -}}

{{- define "lienket.secretName" -}}
{{ default (printf "%s-lienket" .Release.Name) .Values.secrets.existingSecret }}
{{- end -}}

{{- define "lienket.mongoSecretName" -}}
{{ default (printf "%s-lienket" .Release.Name) .Values.mongodb.existingSecret }}
{{- end -}}

{{- define "lienket.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "lienket.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
{{- end -}}
