// Package webhook posts the engine's state changes to HTTP receivers. A
// [Dispatcher] subscribes to an engine's change stream and delivers every
// change made through that engine — route, global and service maintenance,
// rate-limit policy, flag and segment changes — to each webhook: the
// [Event] as JSON by default, a Slack attachment ([SlackFormatter]) or
// whatever a [Formatter] returns. It works with or without the admin
// handler; the admin handler lists its webhooks and adds and removes them
// at runtime.
//
//	d, err := webhook.New(e,
//		webhook.WithHook("https://hooks.slack.com/services/T000/B000/XXXX", webhook.Slack()),
//		webhook.WithHook("https://ops.example.com/waygate", webhook.Secret("shared-secret")),
//	)
//	if err != nil { ... }
//	defer d.Close()
//
// With a secret, each delivery carries X-Waygate-Signature: sha256=<hex
// HMAC-SHA256 of the body> ([Sign]), X-Waygate-Event names the action and
// X-Waygate-Delivery identifies the delivery. Deliveries run in the
// background, per webhook, from a bounded queue ([WithQueue]): a slow
// receiver delays only its own deliveries and never a mutation. Network
// errors, 429 and 5xx are retried with exponential backoff on the engine's
// clock ([WithRetry]). Engines sharing a backend deliver each change once
// to each webhook URL: every delivery is claimed through the backend first.
//
// Webhooks added at runtime ([Dispatcher.Add]) are stored through the
// engine, beside its state, so every instance on the backend delivers to
// them and they survive restarts on a persistent backend; webhooks given in
// code live as long as the process.
package webhook
