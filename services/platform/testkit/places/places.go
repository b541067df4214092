// Package places names the real administrative units that tests, fixtures, the REST story and
// the demo use: codes of the official list in force since 1 July 2025, which the registry ships
// (services/registry/data/vn-admin-units-2025.json). Use these constants rather than typing a
// code, so that every test stays on units that exist.
package places

// Provinces.
const (
	// HaNoi is Thành phố Hà Nội.
	HaNoi = "01"
	// LaoCai is Tỉnh Lào Cai (merged with Yên Bái in 2025): cinnamon country.
	LaoCai = "15"
	// ThaiNguyen is Tỉnh Thái Nguyên.
	ThaiNguyen = "19"
	// HaTinh is Tỉnh Hà Tĩnh.
	HaTinh = "42"
	// HoChiMinh is Thành phố Hồ Chí Minh.
	HoChiMinh = "79"
	// DongThap is Tỉnh Đồng Tháp.
	DongThap = "82"
)

// Communes (xã, phường).
const (
	// ChauQue is Xã Châu Quế, Lào Cai: the producer cooperative's and its households' commune.
	ChauQue = "04387"
	// DongCuong is Xã Đông Cuông, Lào Cai: a neighbouring commune (about 15 km from Châu Quế).
	DongCuong = "04399"
	// BaoHa is Xã Bảo Hà, Lào Cai: the buyer's warehouse, where deliveries are made.
	BaoHa = "02989"
	// BaDinh is Phường Ba Đình, Hà Nội: the buyer's seat.
	BaDinh = "00004"
	// HuongKhe is Xã Hương Khê, Hà Tĩnh: a producer commune far from Lào Cai.
	HuongKhe = "18496"
	// TanCuong is Xã Tân Cương, Thái Nguyên: tea.
	TanCuong = "05503"
	// SaiGon is Phường Sài Gòn, Hồ Chí Minh.
	SaiGon = "26740"
	// ThapMuoi is Xã Tháp Mười, Đồng Tháp: the farthest producer in the tests.
	ThapMuoi = "30037"
)
