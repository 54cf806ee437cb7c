# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The 34 provinces and centrally-run cities of Viet Nam since the 2025
reorganisation (Resolution 202/2025/QH15, in force on 12 June 2025; the
district level ended on 1 July 2025), free of any database access.

Addresses are written street, ward or commune (phường, xã, đặc khu),
province: there is no district any more.  The keys never change; the names
are the official ones.
"""

# (key, official name), in the order of the resolution's annex: the six
# centrally-run cities first, then the provinces
PROVINCES = [
    ('ha_noi', "Thành phố Hà Nội"),
    ('hue', "Thành phố Huế"),
    ('hai_phong', "Thành phố Hải Phòng"),
    ('da_nang', "Thành phố Đà Nẵng"),
    ('ho_chi_minh', "Thành phố Hồ Chí Minh"),
    ('can_tho', "Thành phố Cần Thơ"),
    ('lai_chau', "Tỉnh Lai Châu"),
    ('dien_bien', "Tỉnh Điện Biên"),
    ('son_la', "Tỉnh Sơn La"),
    ('lang_son', "Tỉnh Lạng Sơn"),
    ('quang_ninh', "Tỉnh Quảng Ninh"),
    ('thanh_hoa', "Tỉnh Thanh Hóa"),
    ('nghe_an', "Tỉnh Nghệ An"),
    ('ha_tinh', "Tỉnh Hà Tĩnh"),
    ('cao_bang', "Tỉnh Cao Bằng"),
    ('tuyen_quang', "Tỉnh Tuyên Quang"),
    ('lao_cai', "Tỉnh Lào Cai"),
    ('thai_nguyen', "Tỉnh Thái Nguyên"),
    ('phu_tho', "Tỉnh Phú Thọ"),
    ('bac_ninh', "Tỉnh Bắc Ninh"),
    ('hung_yen', "Tỉnh Hưng Yên"),
    ('ninh_binh', "Tỉnh Ninh Bình"),
    ('quang_tri', "Tỉnh Quảng Trị"),
    ('quang_ngai', "Tỉnh Quảng Ngãi"),
    ('gia_lai', "Tỉnh Gia Lai"),
    ('khanh_hoa', "Tỉnh Khánh Hòa"),
    ('lam_dong', "Tỉnh Lâm Đồng"),
    ('dak_lak', "Tỉnh Đắk Lắk"),
    ('dong_nai', "Tỉnh Đồng Nai"),
    ('tay_ninh', "Tỉnh Tây Ninh"),
    ('vinh_long', "Tỉnh Vĩnh Long"),
    ('dong_thap', "Tỉnh Đồng Tháp"),
    ('ca_mau', "Tỉnh Cà Mau"),
    ('an_giang', "Tỉnh An Giang"),
    ]
PROVINCE_NAMES = dict(PROVINCES)
