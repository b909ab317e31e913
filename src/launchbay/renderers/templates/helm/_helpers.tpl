{{/* Shared names and labels. Every chart launchbay generates uses these same static templates; only the values differ. */}}

{{- define "svc.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "svc.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "svc.labels" -}}
{{ include "svc.selectorLabels" . }}
{{ include "svc.commonLabels" . }}
{{- end -}}

{{/* The migration Job's pods: never selected by the service's Service, PDB or network policies. */}}
{{- define "svc.migrateSelectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}-migrate
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "svc.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/component: {{ .Values.component }}
app.kubernetes.io/part-of: {{ .Values.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
launchbay.dev/environment: {{ .Values.environment }}
{{- end -}}

{{/* The image by repository and tag; a digest, when given, pins the exact image. */}}
{{- define "svc.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $ref .Values.image.digest -}}
{{- else -}}
{{- $ref -}}
{{- end -}}
{{- end -}}

{{- define "svc.secretName" -}}
{{- printf "%s-secrets" (include "svc.fullname" .) -}}
{{- end -}}

{{- define "svc.storeName" -}}
{{- printf "%s-%s" .Release.Namespace (include "svc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Scanner exceptions, each with its reason (listed in the chart README). */}}
{{- define "svc.skipAnnotations" -}}
{{- range $i, $skip := .Values.scannerSkips.checkov }}
{{ printf "checkov.io/skip%d" (add1 $i) }}: {{ printf "%s=%s" $skip.id $skip.reason | quote }}
{{- end }}
{{- end -}}

{{/*
With a migration Job, what the Job needs (service account, secret store, external secret) must exist
before it runs, also on the first install: these become pre-install/pre-upgrade hooks that run first.
*/}}
{{- define "svc.preHook" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ . | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end -}}

{{/* Environment variables: plain config from the ConfigMap, secrets from the synced Secret (by name only). */}}
{{- define "svc.env" -}}
{{- range $name, $value := .Values.config }}
- name: {{ $name }}
  valueFrom:
    configMapKeyRef:
      name: {{ include "svc.fullname" $ }}-config
      key: {{ $name }}
{{- end }}
{{- range $name := .Values.externalSecrets.keys }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "svc.secretName" $ }}
      key: {{ $name }}
{{- end }}
{{- end -}}

{{- define "svc.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "svc.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
The IRSA role: serviceAccount.roleArn when set, else the role Terraform names <prefix>-<key>-irsa in the
account of the ECR repository the image comes from (the same account runs the cluster).
*/}}
{{- define "svc.roleArn" -}}
{{- if .Values.serviceAccount.roleArn -}}
{{- .Values.serviceAccount.roleArn -}}
{{- else -}}
{{- $account := regexFind "^[0-9]{12}" .Values.image.repository -}}
{{- if not $account -}}
{{- fail "set serviceAccount.roleArn (terraform output irsa_role_arns): no AWS account in image.repository" -}}
{{- end -}}
{{- printf "arn:aws:iam::%s:role/%s" $account .Values.serviceAccount.roleName -}}
{{- end -}}
{{- end -}}
