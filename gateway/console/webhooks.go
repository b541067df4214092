package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
)

// Webhooks of an organisation, next to its API keys: the organisation's endpoints and the
// event types each receives; creating one (its signing secret shown once, with how to check a
// signature), enabling and disabling, rotating the secret, a test send with the endpoint's
// answer, deleting; a webhook's recent deliveries with their attempts, replaying one, and
// replaying every event of a period. The webhooks service decides who may do what (the
// organisation's people and operators); the pages only show its answers.

// eventType is a partner event type and what it means, in Vietnamese.
type eventType struct{ Code, Label string }

type eventGroup struct {
	Title string
	Types []eventType
}

// allEvents subscribes a webhook to every event type, those added later included.
const allEvents = "*"

// eventGroups are the event types a webhook may subscribe to (the webhooks service's
// catalogue, docs/partners.md), grouped as the page lists them. TestEventCatalogueIsTheServices
// checks it against the service.
var eventGroups = []eventGroup{
	{"Đề nghị liên kết", []eventType{
		{"proposal.created", "Doanh nghiệp gửi đề nghị liên kết"}, {"proposal.accepted", "Tổ chức sản xuất chấp nhận đề nghị"},
		{"proposal.declined", "Tổ chức sản xuất từ chối đề nghị"}, {"proposal.cancelled", "Doanh nghiệp rút đề nghị"},
	}},
	{"Hợp đồng", []eventType{
		{"contract.created", "Mở bản thảo hợp đồng"}, {"contract.submitted", "Gửi hợp đồng để các bên ký"}, {"contract.signed", "Một bên ký hợp đồng"},
		{"contract.witnessed", "UBND xã chứng thực"}, {"contract.witness_rejected", "UBND xã từ chối chứng thực"}, {"contract.activated", "Hợp đồng có hiệu lực"},
		{"contract.amendment_proposed", "Đề xuất sửa đổi điều khoản"}, {"contract.amended", "Bản sửa đổi có hiệu lực"},
		{"contract.suspended", "Tạm dừng do bất khả kháng"}, {"contract.resumed", "Tiếp tục sau tạm dừng"}, {"contract.terminated", "Chấm dứt trước hạn"},
		{"contract.cancelled", "Hủy trước khi có hiệu lực"}, {"contract.completed", "Hoàn thành"}, {"contract.liquidated", "Thanh lý"},
	}},
	{"Giao hàng và thanh toán", []eventType{
		{"delivery.recorded", "Ghi nhận một lần giao hàng"}, {"delivery.confirmed", "Bên sản xuất xác nhận giao hàng"}, {"delivery.disputed", "Bên sản xuất khiếu nại giao hàng"},
		{"advance.recorded", "Ghi nhận ứng trước vật tư"}, {"payment.recorded", "Ghi nhận một khoản thanh toán"}, {"settlement.changed", "Quyết toán thay đổi"},
	}},
	{"Sự vụ và webhook", []eventType{
		{"incident.opened", "Mở sự vụ"}, {"incident.resolved", "Giải quyết sự vụ"},
		{"webhook.disabled", "Một webhook của tổ chức bị tắt tự động sau nhiều lần gửi lỗi"},
	}},
}

// eventLabels are the Vietnamese meanings of the event types, webhook.test's included.
var eventLabels = func() map[string]string {
	m := map[string]string{"webhook.test": "Gửi thử"}
	for _, g := range eventGroups {
		for _, e := range g.Types {
			m[e.Code] = e.Label
		}
	}
	return m
}()

// deliveryStates are the states a webhook's deliveries can be narrowed to.
var deliveryStates = []string{"STATE_PENDING", "STATE_DELIVERED", "STATE_FAILED"}

type webhookForm struct {
	URL, Description string
	Events           []string
}

// secretShown is a signing secret, shown once: after the creation or the rotation that made it.
type secretShown struct{ Secret, Hook string }

type webhooksView struct {
	Hooks   []*webhooksv1.Webhook
	Form    webhookForm
	Errors  formErrors
	Groups  []eventGroup
	Created *secretShown
}

type webhookView struct {
	W          *webhooksv1.Webhook
	Deliveries []*webhooksv1.WebhookDelivery
	// Next is the next page of deliveries; State and Event the filters shown.
	Next, State, Event string
	States             []string
	Groups             []eventGroup
	Labels             map[string]string
	Form               webhookForm
	Errors             formErrors
	Secret             *secretShown
	// Test is the answer of a test send just made.
	Test *webhooksv1.WebhookDelivery
	// Replayed is the number of deliveries queued again by a range replay ("" none), Resume
	// where the next call would go on when the range held more than one call replays.
	Replayed, Resume string
	// ReplayStart and ReplayEnd are the range form's values.
	ReplayStart, ReplayEnd string
	// typed: Form is what the person typed (else the webhook's own values fill it).
	typed bool
}

func (c *Console) webhookRoutes(m *http.ServeMux) {
	if c.b.wh == nil {
		return
	}
	b := BasePath
	m.Handle("GET "+b+"/webhooks", c.page(c.webhooks))
	m.Handle("POST "+b+"/webhooks", c.page(c.createWebhook))
	m.Handle("GET "+b+"/webhooks/{id}", c.page(c.webhookPage))
	m.Handle("POST "+b+"/webhooks/{id}/{action}", c.page(c.webhookAction))
	m.Handle("POST "+b+"/webhooks/{id}/deliveries/{d}/replay", c.page(c.replayDelivery))
}

// webhookFields maps the API's field paths to the forms' fields.
var webhookFields = map[string]string{
	"webhook.url": "url", "webhook.event_types": "events", "webhook.description": "description",
	"start_time": "replay_start", "end_time": "replay_end",
}

func (c *Console) webhooks(q *rq) error {
	return c.renderWebhooks(q, http.StatusOK, webhooksView{Form: webhookForm{Events: []string{"contract.activated", "delivery.recorded", "payment.recorded", "settlement.changed"}}})
}

func (c *Console) renderWebhooks(q *rq, code int, v webhooksView) error {
	if q.s.Org == "" {
		return errNotFound
	}
	res, err := c.b.wh.ListWebhooks(q.ctx, &webhooksv1.ListWebhooksRequest{Parent: q.s.Org, PageSize: 50})
	if err != nil {
		return err
	}
	v.Hooks, v.Groups = res.GetWebhooks(), eventGroups
	q.render(code, "webhooks", v)
	return nil
}

func readWebhookForm(q *rq) webhookForm {
	pf := q.r.PostForm
	f := webhookForm{URL: strings.TrimSpace(pf.Get("url")), Description: strings.TrimSpace(pf.Get("description")), Events: pf["events"]}
	if slices.Contains(f.Events, allEvents) {
		f.Events = []string{allEvents}
	}
	return f
}

func (c *Console) createWebhook(q *rq) error {
	if q.s.Org == "" {
		return errNotFound
	}
	f := readWebhookForm(q)
	res, err := c.b.wh.CreateWebhook(q.ctx, &webhooksv1.CreateWebhookRequest{Parent: q.s.Org, RequestId: q.r.PostForm.Get("request_id"),
		Webhook: &webhooksv1.Webhook{Url: f.URL, EventTypes: f.Events, Description: f.Description}})
	if err != nil {
		return c.renderWebhooks(q, http.StatusUnprocessableEntity, webhooksView{Form: f, Errors: fromAPI(err, webhookFields)})
	}
	// The secret is shown on this answer only (the console never keeps it).
	return c.renderWebhooks(q, http.StatusOK, webhooksView{Form: webhookForm{Events: f.Events},
		Created: &secretShown{Secret: res.GetSecret(), Hook: res.GetWebhook().GetName()}})
}

// webhookName is the webhook of the request's path, in the person's organisation.
func webhookName(q *rq) (string, error) {
	if q.s.Org == "" {
		return "", errNotFound
	}
	return q.s.Org + "/webhooks/" + q.r.PathValue("id"), nil
}

func (c *Console) webhookPage(q *rq) error {
	return c.renderWebhook(q, http.StatusOK, webhookView{})
}

// renderWebhook reads the webhook and a page of its deliveries (two calls, at once) and
// renders them with v.
func (c *Console) renderWebhook(q *rq, code int, v webhookView) error {
	name, err := webhookName(q)
	if err != nil {
		return err
	}
	query := q.r.URL.Query()
	v.State, v.Event = pick(query.Get("state"), deliveryStates), query.Get("event")
	if _, ok := eventLabels[v.Event]; !ok {
		v.Event = ""
	}
	var terms []string
	if v.State != "" {
		terms = append(terms, fmt.Sprintf("state = %q", v.State))
	}
	if v.Event != "" {
		terms = append(terms, fmt.Sprintf("event_type = %q", v.Event))
	}
	var w *webhooksv1.Webhook
	var l *webhooksv1.ListWebhookDeliveriesResponse
	g, ctx := errgroup.WithContext(q.ctx)
	g.Go(func() (err error) {
		w, err = c.b.wh.GetWebhook(ctx, &webhooksv1.GetWebhookRequest{Name: name})
		return err
	})
	g.Go(func() (err error) {
		l, err = c.b.wh.ListWebhookDeliveries(ctx, &webhooksv1.ListWebhookDeliveriesRequest{Parent: name, PageSize: 50, PageToken: query.Get("page"), Filter: strings.Join(terms, " AND ")})
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	v.W, v.Deliveries, v.Next, v.States, v.Groups, v.Labels = w, l.GetDeliveries(), l.GetNextPageToken(), deliveryStates, eventGroups, eventLabels
	if !v.typed {
		v.Form = webhookForm{URL: w.GetUrl(), Description: w.GetDescription(), Events: w.GetEventTypes()}
	}
	if v.Replayed == "" {
		v.Replayed = query.Get("replayed")
	}
	q.render(code, "webhook", v)
	return nil
}

// pick returns s if it is one of allowed, else "".
func pick(s string, allowed []string) string {
	if slices.Contains(allowed, s) {
		return s
	}
	return ""
}

func (c *Console) webhookAction(q *rq) error {
	name, err := webhookName(q)
	if err != nil {
		return err
	}
	etag := q.r.PostForm.Get("etag")
	back := BasePath + "/webhooks/" + q.r.PathValue("id")
	switch q.r.PathValue("action") {
	case "enable":
		_, err = c.b.wh.EnableWebhook(q.ctx, &webhooksv1.EnableWebhookRequest{Name: name, Etag: etag})
		return c.afterWebhookAction(q, err, back, "webhook-enabled")
	case "disable":
		_, err = c.b.wh.DisableWebhook(q.ctx, &webhooksv1.DisableWebhookRequest{Name: name, Etag: etag})
		return c.afterWebhookAction(q, err, back, "webhook-disabled")
	case "delete":
		_, err = c.b.wh.DeleteWebhook(q.ctx, &webhooksv1.DeleteWebhookRequest{Name: name, Etag: etag})
		return c.afterWebhookAction(q, err, BasePath+"/webhooks", "webhook-deleted")
	case "rotate":
		res, err := c.b.wh.RotateWebhookSecret(q.ctx, &webhooksv1.RotateWebhookSecretRequest{Name: name, Etag: etag})
		if err != nil {
			return c.afterWebhookAction(q, err, back, "")
		}
		return c.renderWebhook(q, http.StatusOK, webhookView{Secret: &secretShown{Secret: res.GetSecret(), Hook: name}})
	case "test":
		d, err := c.b.wh.TestWebhook(q.ctx, &webhooksv1.TestWebhookRequest{Name: name})
		if err != nil {
			return c.afterWebhookAction(q, err, back, "")
		}
		return c.renderWebhook(q, http.StatusOK, webhookView{Test: d})
	case "update":
		return c.updateWebhook(q, name, etag)
	case "replay":
		return c.replayRange(q, name, back)
	}
	return errNotFound
}

// afterWebhookAction goes back to the page with ok, or shows the page with the refusal.
func (c *Console) afterWebhookAction(q *rq, err error, back, ok string) error {
	if err == nil {
		return q.redirect(back, ok)
	}
	fe := formErrors{}
	fe.add("", explainStatus(err))
	for _, v := range violations(err) {
		fe.add("", v.GetField()+": "+explain(v.GetReason()))
	}
	return c.renderWebhook(q, statusOf(err), webhookView{Errors: fe})
}

func (c *Console) updateWebhook(q *rq, name, etag string) error {
	f := readWebhookForm(q)
	_, err := c.b.wh.UpdateWebhook(q.ctx, &webhooksv1.UpdateWebhookRequest{
		Webhook:    &webhooksv1.Webhook{Name: name, Etag: etag, Url: f.URL, EventTypes: f.Events, Description: f.Description},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"url", "event_types", "description"}}})
	if err != nil {
		return c.renderWebhook(q, http.StatusUnprocessableEntity, webhookView{Form: f, Errors: fromAPI(err, webhookFields), typed: true})
	}
	return q.redirect(BasePath+"/webhooks/"+q.r.PathValue("id"), "saved")
}

// replayRange sends again every delivery whose event happened in the period typed (Vietnam
// time).
func (c *Console) replayRange(q *rq, name, back string) error {
	pf := q.r.PostForm
	v := webhookView{ReplayStart: strings.TrimSpace(pf.Get("replay_start")), ReplayEnd: strings.TrimSpace(pf.Get("replay_end"))}
	start, errStart := localTime(v.ReplayStart, true)
	end, errEnd := localTime(v.ReplayEnd, false)
	if errStart != nil {
		v.Errors.add("replay_start", errStart.Error())
	}
	if errEnd != nil {
		v.Errors.add("replay_end", errEnd.Error())
	}
	if v.Errors.Any() {
		return c.renderWebhook(q, http.StatusUnprocessableEntity, v)
	}
	req := &webhooksv1.ReplayWebhookDeliveriesRequest{Name: name, StartTime: timestamppb.New(start)}
	if !end.IsZero() {
		req.EndTime = timestamppb.New(end)
	}
	res, err := c.b.wh.ReplayWebhookDeliveries(q.ctx, req)
	if err != nil {
		v.Errors = fromAPI(err, webhookFields)
		return c.renderWebhook(q, statusOf(err), v)
	}
	if res.GetResumeTime() != nil {
		v.Replayed, v.Resume = fmt.Sprint(res.GetReplayedCount()), moment(res.GetResumeTime())
		return c.renderWebhook(q, http.StatusOK, v)
	}
	return q.redirect(back+"?replayed="+url.QueryEscape(fmt.Sprint(res.GetReplayedCount())), "")
}

// localTime reads a moment typed in Vietnam time: a datetime-local value (2026-06-20T10:00),
// dd/mm/yyyy hh:mm, or a date alone (the start of that day). An empty end means now.
func localTime(s string, required bool) (time.Time, error) {
	if s == "" {
		if required {
			return time.Time{}, fmt.Errorf("%s", ruleVI["REQUIRED"])
		}
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "02/01/2006 15:04", "2/1/2006 15:04", "2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, vn.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s", ruleVI["DATETIME_FORMAT"])
}

func (c *Console) replayDelivery(q *rq) error {
	name, err := webhookName(q)
	if err != nil {
		return err
	}
	_, err = c.b.wh.ReplayWebhookDelivery(q.ctx, &webhooksv1.ReplayWebhookDeliveryRequest{Name: name + "/deliveries/" + q.r.PathValue("d")})
	return c.afterWebhookAction(q, err, BasePath+"/webhooks/"+q.r.PathValue("id"), "delivery-replayed")
}

// statusOf is the HTTP status of a page that shows a refused action.
func statusOf(err error) int {
	code, _, _ := describe(err)
	if code == http.StatusBadRequest {
		return http.StatusUnprocessableEntity
	}
	return code
}

func init() {
	addTexts(sectionTexts{english: englishWebhooks, flashes: map[string]string{
		"webhook-enabled":   "Đã bật lại webhook; các sự kiện đang chờ sẽ được gửi theo thứ tự.",
		"webhook-disabled":  "Đã tạm tắt webhook; sự kiện được giữ lại đến khi bật lại.",
		"webhook-deleted":   "Đã xóa webhook.",
		"delivery-replayed": "Đã xếp sự kiện để gửi lại.",
	}, rules: map[string]string{
		"URL_LENGTH":        "Địa chỉ quá dài.",
		"URL_FORMAT":        "Hãy nhập địa chỉ đầy đủ, ví dụ https://erp.example.vn/hooks/lienket (không có phần #…).",
		"URL_SCHEME":        "Địa chỉ phải bắt đầu bằng https://.",
		"URL_CREDENTIALS":   "Địa chỉ không được chứa tên đăng nhập hay mật khẩu: chữ ký đã xác thực Liên Kết với hệ thống của bạn.",
		"URL_ADDRESS":       "Không gửi đến địa chỉ nội bộ, loopback, link-local hay địa chỉ metadata; hãy dùng một địa chỉ công khai.",
		"EVENT_TYPE":        "Có loại sự kiện không nằm trong danh sách.",
		"TOO_MANY_WEBHOOKS": "Mỗi tổ chức có tối đa 20 webhook; hãy xóa bớt một webhook trước.",
		"TEST_DELIVERY":     "Lần gửi thử không gửi lại được; hãy gửi thử lần mới.",
		"TIME_ORDER":        "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
		"DATETIME_FORMAT":   "Thời điểm không hợp lệ; nhập theo dạng dd/mm/yyyy hh:mm.",
	}, enums: map[string][2]string{
		"STATE_DISABLED":                   {"Đã tắt", "Disabled"},
		"WEBHOOK_DELIVERY_STATE_PENDING":   {"Chờ gửi", "Pending"},
		"WEBHOOK_DELIVERY_STATE_DELIVERED": {"Đã gửi thành công", "Delivered"},
		"WEBHOOK_DELIVERY_STATE_FAILED":    {"Thất bại", "Failed"},
	}})
}

// englishWebhooks translates the webhook pages.
var englishWebhooks = map[string]string{
	"Webhook": "Webhooks",
	"Webhook đẩy sự kiện của các hợp đồng và đề nghị liên kết mà tổ chức của bạn tham gia đến hệ thống của bạn (ERP, phần mềm kế toán), để không phải hỏi lại liên tục.": "Webhooks push the events of the contracts and proposals your organisation is party to into your own systems (ERP, bookkeeping), so that they need not poll.",
	"Tổ chức chưa có webhook nào.": "Your organisation has no webhook yet.",
	"Tạo webhook":                  "Create a webhook",
	"Đã tạo webhook.":              "Webhook created.",
	"Mở webhook":                   "Open the webhook",
	"Địa chỉ nhận (URL)":           "Receiving URL",
	"Địa chỉ nhận":                 "Receiving URL",
	"Địa chỉ https:// công khai của hệ thống bạn, ví dụ https://erp.example.vn/hooks/lienket": "A public https:// address of your system, e.g. https://erp.example.vn/hooks/lienket",
	"Mô tả (không bắt buộc)":                  "Description (optional)",
	"Loại sự kiện nhận":                       "Event types to receive",
	"Loại sự kiện":                            "Event type",
	"Tất cả sự kiện (kể cả loại mới sau này)": "Every event (new types included)",
	"loại":      "types",
	"Khóa ký":   "Signing secret",
	"Lỗi từ":    "Failing since",
	"Lý do tắt": "Why disabled",
	"Khóa ký mới — chỉ hiển thị một lần. Hãy sao chép và cất vào kho bí mật của hệ thống nhận:":           "New signing secret — shown only once. Copy it into the receiving system's secret store:",
	"Liên Kết không lưu khóa này dưới dạng đọc được và không hiển thị lại. Nếu làm mất, hãy đổi khóa ký.": "Lienket does not keep this secret readable and will not show it again. If you lose it, rotate the secret.",
	"Cách kiểm tra chữ ký": "How to verify a signature",
	"Mỗi yêu cầu Liên Kết gửi đến là một POST có ba tiêu đề: webhook-id, webhook-timestamp và webhook-signature.":                                                         "Every request Lienket sends is a POST with three headers: webhook-id, webhook-timestamp and webhook-signature.",
	"Khóa HMAC là phần sau whsec_ của khóa ký, giải mã base64.":                                                                                                           "The HMAC key is the part of the signing secret after whsec_, base64-decoded.",
	"Tính HMAC-SHA256 của chuỗi <webhook-id>.<webhook-timestamp>.<nội dung> bằng khóa đó, với nội dung đúng như nhận được (không định dạng lại JSON), rồi mã hóa base64.": "Compute the HMAC-SHA256 of <webhook-id>.<webhook-timestamp>.<body> with that key, the body exactly as received (do not re-encode the JSON), and base64-encode it.",
	"Kết quả phải trùng với một trong các chữ ký sau v1, trong webhook-signature (có hai chữ ký trong 24 giờ sau khi đổi khóa). So sánh bằng hàm so sánh thời gian hằng.": "It must equal one of the signatures after v1, in webhook-signature (there are two for 24 hours after a rotation). Compare in constant time.",
	"Từ chối yêu cầu có webhook-timestamp lệch quá 5 phút so với đồng hồ của bạn. Một sự kiện có thể đến nhiều lần: bỏ qua webhook-id đã xử lý.":                          "Refuse requests whose webhook-timestamp is more than 5 minutes from your clock. An event can arrive more than once: skip webhook-ids already processed.",
	"Trả lời mã 2xx thật nhanh rồi mới xử lý; mã khác hoặc không trả lời trong 15 giây thì Liên Kết gửi lại sau.":                                                         "Answer 2xx quickly and do the work afterwards; any other answer, or none within 15 seconds, and Lienket sends it again later.",
	"Ví dụ với openssl, nội dung đã lưu vào tệp body.json:":                                                                                                               "With openssl, the body saved as body.json:",
	"Các thư viện Standard Webhooks (standardwebhooks.com) cũng kiểm tra được chữ ký này.":                                                                                "The Standard Webhooks libraries (standardwebhooks.com) verify it too.",
	"Kết quả gửi thử":             "Test send",
	"Mã trả lời của địa chỉ nhận": "The endpoint's status code",
	"Không có trả lời":            "No answer",
	"Nội dung trả lời (đầu)":      "Answer (start)",
	"Thông tin":                   "Details",
	"khóa cũ còn ký đến":          "the previous secret also signs until",
	"Gửi lỗi liên tục từ":         "Failing since",
	"Gửi thử":                     "Send a test",
	"Tạm tắt":                     "Disable",
	"Bật lại":                     "Enable",
	"Đổi khóa ký":                 "Rotate the secret",
	"Khi tắt, sự kiện vẫn được giữ lại và được gửi theo thứ tự khi bật lại. Khi đổi khóa, khóa cũ vẫn ký thêm 24 giờ.": "While disabled, events are kept and sent in order once enabled. After a rotation the previous secret signs for 24 more hours.",
	"Các lần gửi gần đây":           "Recent deliveries",
	"Chưa có lần gửi nào.":          "No delivery yet.",
	"Sự kiện lúc":                   "Event time",
	"Đối tượng":                     "Subject",
	"Số lần gửi":                    "Attempts",
	"Mã trả lời gần nhất":           "Last status",
	"Đã nhận lúc":                   "Delivered at",
	"Gửi lại lúc":                   "Next attempt",
	"Các lần gửi":                   "Attempts",
	"Nội dung đã gửi":               "Body sent",
	"Gửi lại":                       "Send again",
	"Đã xếp %s sự kiện để gửi lại.": "%s events queued to be sent again.",
	"Khoảng thời gian còn sự kiện chưa gửi lại: hãy gửi lại tiếp từ %s.":       "The period holds more events: send again from %s.",
	"Gửi lại mọi sự kiện trong một khoảng thời gian":                           "Send again every event of a period",
	"Các sự kiện được gửi lại với cùng webhook-id, theo thứ tự. Giờ Việt Nam.": "Events are sent again with the same webhook-id, in order. Vietnam time.",
	"Từ": "From",
	"Đến (để trống: đến bây giờ)": "Until (empty: now)",
	"Sửa webhook": "Edit the webhook",
	"Lưu":         "Save",
	"Xóa webhook": "Delete the webhook",
	"Xóa webhook cùng mọi lần gửi của nó. Không hoàn tác được.":         "Deletes the webhook and all its deliveries. This cannot be undone.",
	"Đã bật lại webhook; các sự kiện đang chờ sẽ được gửi theo thứ tự.": "Webhook enabled; waiting events will be sent in order.",
	"Đã tạm tắt webhook; sự kiện được giữ lại đến khi bật lại.":         "Webhook disabled; events are kept until it is enabled.",
	"Đã xóa webhook.":            "Webhook deleted.",
	"Đã xếp sự kiện để gửi lại.": "The event is queued to be sent again.",
	// Event groups and types.
	"Đề nghị liên kết":                   "Proposals",
	"Giao hàng và thanh toán":            "Deliveries and payments",
	"Sự vụ và webhook":                   "Incidents and webhooks",
	"Doanh nghiệp gửi đề nghị liên kết":  "A buyer sends a proposal",
	"Tổ chức sản xuất chấp nhận đề nghị": "The producer accepts a proposal",
	"Tổ chức sản xuất từ chối đề nghị":   "The producer declines a proposal",
	"Doanh nghiệp rút đề nghị":           "The buyer withdraws a proposal",
	"Mở bản thảo hợp đồng":               "A draft contract is opened",
	"Gửi hợp đồng để các bên ký":         "The contract is submitted for signature",
	"Một bên ký hợp đồng":                "A party signs",
	"UBND xã chứng thực":                 "The commune witnesses",
	"UBND xã từ chối chứng thực":         "The commune refuses to witness",
	"Hợp đồng có hiệu lực":               "The contract takes effect",
	"Đề xuất sửa đổi điều khoản":         "An amendment is proposed",
	"Bản sửa đổi có hiệu lực":            "An amendment takes effect",
	"Tạm dừng do bất khả kháng":          "Suspended for force majeure",
	"Tiếp tục sau tạm dừng":              "Resumed after a suspension",
	"Chấm dứt trước hạn":                 "Terminated early",
	"Hủy trước khi có hiệu lực":          "Cancelled before taking effect",
	"Hoàn thành":                         "Completed",
	"Thanh lý":                           "Liquidated",
	"Ghi nhận một lần giao hàng":         "A delivery is recorded",
	"Bên sản xuất xác nhận giao hàng":    "The producer confirms a delivery",
	"Bên sản xuất khiếu nại giao hàng":   "The producer disputes a delivery",
	"Ghi nhận ứng trước vật tư":          "An input advance is recorded",
	"Ghi nhận một khoản thanh toán":      "A payment is recorded",
	"Quyết toán thay đổi":                "The settlement changed",
	"Mở sự vụ":                           "An incident is opened",
	"Giải quyết sự vụ":                   "An incident is resolved",
	"Một webhook của tổ chức bị tắt tự động sau nhiều lần gửi lỗi": "One of the organisation's webhooks was disabled after failing for long",
}
