"""Static reference data of the one-stop demo (Bình Thuận province).

Everything here is invented for demonstration but shaped on public facts:
QCVN 102:2016-style agency codes (``H15`` is the province's code prefix),
the district level abolished on 1 July 2025 (Resolution on the 2025
reorganisation: Bình Thuận merged into Lâm Đồng, communes merged), the
departmental mergers of 1 March 2025, public holidays as announced for
civil servants.  No real person's data: applicant names are drawn from
lists of common family, middle and given names.
"""
import datetime as dt

REFORM_DAY = dt.date(2025, 7, 1)
DISTRICT_END = dt.date(2025, 6, 30)
MERGER_DAY = dt.date(2025, 3, 1)
MERGER_END = dt.date(2025, 2, 28)

ROOT = 'H15.00'
CENTRE = 'H15.01'

# code, name, kind, parent code, start, end, successor code, weight
# Agencies are listed so that parents and successors come first.
# weight: share of the district/commune level dossiers of the area.
AGENCIES = [
    (ROOT, "Ủy ban nhân dân tỉnh Bình Thuận", 'province_committee',
        None, None, None, None, 0),
    (CENTRE, "Trung tâm Hành chính công tỉnh Bình Thuận", 'service_centre',
        ROOT, None, None, None, 0),
    # Departments (1 March 2025: KHĐT into Tài chính, TNMT into Nông nghiệp
    # và Môi trường, GTVT into Xây dựng, LĐTBXH into Nội vụ)
    ('H15.10', "Sở Tài chính", 'department', ROOT, None, None, None, 0),
    ('H15.11', "Sở Nông nghiệp và Môi trường", 'department', ROOT,
        MERGER_DAY, None, None, 0),
    ('H15.12', "Sở Nội vụ", 'department', ROOT, None, None, None, 0),
    ('H15.05', "Sở Xây dựng", 'department', ROOT, None, None, None, 0),
    ('H15.02', "Sở Kế hoạch và Đầu tư", 'department', ROOT,
        None, MERGER_END, 'H15.10', 0),
    ('H15.03', "Sở Tư pháp", 'department', ROOT, None, None, None, 0),
    ('H15.04', "Sở Tài nguyên và Môi trường", 'department', ROOT,
        None, MERGER_END, 'H15.11', 0),
    ('H15.06', "Sở Giao thông vận tải", 'department', ROOT,
        None, MERGER_END, 'H15.05', 0),
    ('H15.07', "Sở Lao động - Thương binh và Xã hội", 'department', ROOT,
        None, MERGER_END, 'H15.12', 0),
    # Commune-level units from 1 July 2025
    ('H15.50.01', "Ủy ban nhân dân phường Phan Thiết", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 14),
    ('H15.50.02', "Ủy ban nhân dân phường Mũi Né", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 6),
    ('H15.50.03', "Ủy ban nhân dân phường Phú Thủy", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 6),
    ('H15.50.04', "Ủy ban nhân dân phường La Gi", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 6),
    ('H15.50.05', "Ủy ban nhân dân phường Phước Hội", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 4),
    ('H15.50.06', "Ủy ban nhân dân xã Tuy Phong", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 5),
    ('H15.50.07', "Ủy ban nhân dân xã Liên Hương", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 4),
    ('H15.50.08', "Ủy ban nhân dân xã Bắc Bình", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 5),
    ('H15.50.09', "Ủy ban nhân dân xã Hải Ninh", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 3),
    ('H15.50.10', "Ủy ban nhân dân xã Hàm Thuận Bắc", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 6),
    ('H15.50.11', "Ủy ban nhân dân xã Hồng Sơn", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 3),
    ('H15.50.12', "Ủy ban nhân dân xã Hàm Thuận Nam", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 5),
    ('H15.50.13', "Ủy ban nhân dân xã Hàm Kiệm", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 3),
    ('H15.50.14', "Ủy ban nhân dân xã Tánh Linh", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 4),
    ('H15.50.15', "Ủy ban nhân dân xã Đức Linh", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 4),
    ('H15.50.16', "Ủy ban nhân dân xã Hàm Tân", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 3),
    ('H15.50.17', "Ủy ban nhân dân đặc khu Phú Quý", 'commune_committee',
        ROOT, REFORM_DAY, None, None, 1),
    # District level, until 30 June 2025
    ('H15.20', "Ủy ban nhân dân thành phố Phan Thiết", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.01', 22),
    ('H15.21', "Ủy ban nhân dân thị xã La Gi", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.04', 10),
    ('H15.22', "Ủy ban nhân dân huyện Tuy Phong", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.06', 9),
    ('H15.23', "Ủy ban nhân dân huyện Bắc Bình", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.08', 9),
    ('H15.24', "Ủy ban nhân dân huyện Hàm Thuận Bắc", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.10', 12),
    ('H15.25', "Ủy ban nhân dân huyện Hàm Thuận Nam", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.12', 9),
    ('H15.26', "Ủy ban nhân dân huyện Tánh Linh", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.14', 7),
    ('H15.27', "Ủy ban nhân dân huyện Đức Linh", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.15', 8),
    ('H15.28', "Ủy ban nhân dân huyện Hàm Tân", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.16', 6),
    ('H15.29', "Ủy ban nhân dân huyện Phú Quý", 'district_committee',
        ROOT, None, DISTRICT_END, 'H15.50.17', 2),
    # Communes before 1 July 2025 (a sample of them)
    ('H15.20.05', "Ủy ban nhân dân phường Đức Long", 'commune_committee',
        'H15.20', None, DISTRICT_END, 'H15.50.03', 12),
    ('H15.20.14', "Ủy ban nhân dân phường Mũi Né", 'commune_committee',
        'H15.20', None, DISTRICT_END, 'H15.50.02', 9),
    ('H15.21.03', "Ủy ban nhân dân phường Phước Hội", 'commune_committee',
        'H15.21', None, DISTRICT_END, 'H15.50.05', 8),
    ('H15.22.01', "Ủy ban nhân dân thị trấn Liên Hương", 'commune_committee',
        'H15.22', None, DISTRICT_END, 'H15.50.07', 8),
    ('H15.23.01', "Ủy ban nhân dân thị trấn Chợ Lầu", 'commune_committee',
        'H15.23', None, DISTRICT_END, 'H15.50.08', 8),
    ('H15.23.11', "Ủy ban nhân dân xã Hải Ninh", 'commune_committee',
        'H15.23', None, DISTRICT_END, 'H15.50.09', 5),
    ('H15.24.01', "Ủy ban nhân dân thị trấn Ma Lâm", 'commune_committee',
        'H15.24', None, DISTRICT_END, 'H15.50.10', 9),
    ('H15.24.09', "Ủy ban nhân dân xã Hồng Sơn", 'commune_committee',
        'H15.24', None, DISTRICT_END, 'H15.50.11', 6),
    ('H15.25.01', "Ủy ban nhân dân thị trấn Thuận Nam", 'commune_committee',
        'H15.25', None, DISTRICT_END, 'H15.50.12', 7),
    ('H15.25.06', "Ủy ban nhân dân xã Hàm Kiệm", 'commune_committee',
        'H15.25', None, DISTRICT_END, 'H15.50.13', 5),
    ]

# Counters: agency code -> [(code, name, kind)]; every agency receiving
# dossiers gets at least one general counter.  Networks are given in order
# as 10.15.N.0/24.
CENTRE_COUNTERS = [
    ('Q01', "Quầy tiếp nhận và trả kết quả số 1", 'general'),
    ('Q02', "Quầy tiếp nhận và trả kết quả số 2", 'general'),
    ('Q03', "Quầy tiếp nhận và trả kết quả số 3", 'general'),
    ('TKQ', "Quầy trả kết quả", 'result'),
    ('BD', "Quầy trả kết quả Bưu điện tỉnh", 'post_office'),
    ]


def counters_of(code, name, kind):
    "Return the counters of the agency"
    if code == CENTRE:
        return CENTRE_COUNTERS
    short = name.replace("Ủy ban nhân dân", "UBND")
    if kind == 'department':
        return [('Q01', f"Quầy {short} tại Trung tâm Hành chính công tỉnh",
                'general')]
    if code == ROOT:
        return [('Q01', "Quầy Văn phòng UBND tỉnh tại Trung tâm Hành chính "
                "công tỉnh", 'general')]
    if kind == 'district_committee':
        return [
            ('Q01', f"Bộ phận Một cửa {short} - Quầy số 1", 'general'),
            ('Q02', f"Bộ phận Một cửa {short} - Quầy số 2", 'general'),
            ]
    if kind == 'commune_committee' and code.startswith('H15.50.'):
        place = short.replace("UBND ", "")
        return [
            ('Q01', f"Trung tâm Phục vụ hành chính công {place} - Quầy số 1",
                'general'),
            ('Q02', f"Trung tâm Phục vụ hành chính công {place} - Quầy số 2",
                'general'),
            ]
    return [('Q01', f"Bộ phận Một cửa {short}", 'general')]


# Department in charge of the province-level procedures of a field
# (followed through successors after the mergers of 1 March 2025).
FIELDS = [
    # code, name, department code
    ('HT', "Hộ tịch", 'H15.03'),
    ('CT', "Chứng thực", 'H15.03'),
    ('LLTP', "Lý lịch tư pháp", 'H15.03'),
    ('BTTP', "Bổ trợ tư pháp", 'H15.03'),
    ('QT', "Quốc tịch", 'H15.03'),
    ('NCN', "Nuôi con nuôi", 'H15.03'),
    ('DD', "Đất đai", 'H15.04'),
    ('MT', "Môi trường", 'H15.04'),
    ('TNN', "Tài nguyên nước", 'H15.04'),
    ('XD', "Xây dựng", 'H15.05'),
    ('GT', "Giao thông đường bộ", 'H15.06'),
    ('DKKD', "Đăng ký kinh doanh", 'H15.02'),
    ('DT', "Đầu tư tại Việt Nam", 'H15.02'),
    ('LD', "Lao động - Việc làm", 'H15.07'),
    ('NCC', "Người có công", 'H15.07'),
    ('BTXH', "Bảo trợ xã hội", 'H15.07'),
    ('TDKT', "Thi đua, khen thưởng", 'H15.12'),
    ('CTH', "Công Thương", CENTRE),
    ('YT', "Y tế", CENTRE),
    ('VH', "Văn hóa, Thể thao và Du lịch", CENTRE),
    ('GD', "Giáo dục và Đào tạo", CENTRE),
    ]

# field, level, name, processing days, fee (VND), weight, flags
# flags: 'i' result returned immediately, 'r' decided by the provincial
# People's Committee (received at its counter in the Centre).
C, D, P = 'commune', 'district', 'province'
PROCEDURES = [
    ('HT', C, "Đăng ký khai sinh", 1, 0, 30, ''),
    ('HT', C, "Đăng ký khai tử", 1, 0, 8, ''),
    ('HT', C, "Đăng ký kết hôn", 1, 0, 10, ''),
    ('HT', C, "Đăng ký nhận cha, mẹ, con", 3, 0, 2, ''),
    ('HT', C, "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", 3, 0, 1, ''),
    ('HT', C, "Cấp bản sao trích lục hộ tịch", 0, 8000, 12, 'i'),
    ('HT', C, "Cấp giấy xác nhận tình trạng hôn nhân", 3, 0, 15, ''),
    ('HT', C, "Thay đổi, cải chính, bổ sung thông tin hộ tịch", 3, 15000,
        3, ''),
    ('HT', C, "Đăng ký lại khai sinh", 5, 0, 2, ''),
    ('HT', C, "Đăng ký giám hộ", 3, 0, 1, ''),
    ('HT', C, "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký "
        "thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", 10, 0,
        6, ''),
    ('HT', D, "Đăng ký khai sinh có yếu tố nước ngoài", 15, 100000, 1, ''),
    ('HT', D, "Đăng ký kết hôn có yếu tố nước ngoài", 15, 1000000, 1, ''),
    ('HT', D, "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã "
        "được giải quyết tại cơ quan có thẩm quyền của nước ngoài", 12,
        50000, 1, ''),
    ('HT', D, "Thay đổi, cải chính, bổ sung, xác định lại dân tộc", 3,
        28000, 1, ''),
    ('HT', D, "Cấp bản sao trích lục hộ tịch (cấp huyện)", 0, 8000, 2, 'i'),
    ('CT', C, "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan "
        "tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", 0, 2000,
        60, 'i'),
    ('CT', C, "Chứng thực chữ ký trong các giấy tờ, văn bản", 0, 10000,
        15, 'i'),
    ('CT', C, "Chứng thực bản sao điện tử từ bản chính", 0, 2000, 6, 'i'),
    ('CT', C, "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động "
        "sản, quyền sử dụng đất và nhà ở", 2, 50000, 10, ''),
    ('CT', C, "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là "
        "động sản, quyền sử dụng đất, nhà ở", 2, 50000, 2, ''),
    ('CT', C, "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao "
        "dịch", 2, 30000, 1, ''),
    ('CT', C, "Chứng thực việc sửa lỗi sai sót trong hợp đồng, giao dịch",
        0, 25000, 1, 'i'),
    ('CT', C, "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch "
        "đã được chứng thực", 0, 2000, 3, 'i'),
    ('CT', C, "Cấp bản sao từ sổ gốc", 0, 0, 2, 'i'),
    ('CT', D, "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan "
        "tổ chức có thẩm quyền của nước ngoài cấp", 0, 2000, 4, 'i'),
    ('CT', D, "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên "
        "dịch thuật của Phòng Tư pháp", 0, 10000, 3, 'i'),
    ('CT', D, "Chứng thực chữ ký người dịch mà người dịch không phải là "
        "cộng tác viên dịch thuật", 0, 10000, 1, 'i'),
    ('DD', D, "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản "
        "gắn liền với đất do chuyển nhượng, tặng cho, thừa kế", 10, 100000,
        25, ''),
    ('DD', D, "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng "
        "nhận lần đầu", 20, 100000, 8, ''),
    ('DD', D, "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài "
        "sản gắn liền với đất", 7, 50000, 6, ''),
    ('DD', D, "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", 10,
        50000, 2, ''),
    ('DD', D, "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà "
        "nước có thẩm quyền đối với hộ gia đình, cá nhân", 15, 0, 4, ''),
    ('DD', D, "Tách thửa hoặc hợp thửa đất", 15, 0, 6, ''),
    ('DD', D, "Đính chính Giấy chứng nhận đã cấp", 10, 0, 2, ''),
    ('DD', D, "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với "
        "đất", 3, 80000, 10, ''),
    ('DD', D, "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền "
        "với đất", 3, 20000, 5, ''),
    ('DD', D, "Cung cấp thông tin, dữ liệu đất đai", 2, 50000, 3, ''),
    ('DD', P, "Giao đất, cho thuê đất cho tổ chức", 20, 0, 1, 'r'),
    ('DD', P, "Gia hạn sử dụng đất đối với tổ chức", 7, 0, 1, ''),
    ('DD', C, "Hòa giải tranh chấp đất đai", 30, 0, 2, ''),
    ('MT', P, "Cấp giấy phép môi trường thuộc thẩm quyền của Ủy ban nhân "
        "dân cấp tỉnh", 30, 0, 1, ''),
    ('MT', P, "Thẩm định báo cáo đánh giá tác động môi trường", 30,
        5000000, 1, ''),
    ('MT', D, "Cấp giấy phép môi trường cấp huyện", 15, 0, 1, ''),
    ('MT', C, "Đăng ký môi trường", 15, 0, 1, ''),
    ('TNN', P, "Cấp giấy phép thăm dò nước dưới đất", 30, 400000, 1, ''),
    ('TNN', P, "Cấp giấy phép khai thác, sử dụng nước mặt", 30, 600000,
        1, ''),
    ('XD', D, "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", 15,
        75000, 15, ''),
    ('XD', D, "Cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ", 15,
        75000, 2, ''),
    ('XD', D, "Điều chỉnh giấy phép xây dựng đối với nhà ở riêng lẻ", 15,
        15000, 1, ''),
    ('XD', D, "Gia hạn giấy phép xây dựng", 5, 15000, 1, ''),
    ('XD', D, "Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ",
        15, 75000, 1, ''),
    ('XD', P, "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II",
        20, 150000, 2, ''),
    ('XD', P, "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng", 30, 0,
        1, ''),
    ('XD', P, "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        20, 300000, 2, ''),
    ('XD', P, "Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
        20, 1000000, 1, ''),
    ('XD', P, "Cấp giấy phép di dời công trình", 20, 0, 1, ''),
    ('GT', P, "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", 5,
        135000, 20, ''),
    ('GT', P, "Cấp lại giấy phép lái xe", 10, 135000, 4, ''),
    ('GT', P, "Cấp giấy phép lái xe quốc tế", 5, 135000, 2, ''),
    ('GT', P, "Cấp giấy phép kinh doanh vận tải bằng xe ô tô", 5, 200000,
        2, ''),
    ('GT', P, "Cấp phù hiệu xe ô tô kinh doanh vận tải", 2, 0, 5, ''),
    ('GT', P, "Cấp giấy phép thi công công trình trên đường bộ đang khai "
        "thác", 7, 0, 1, ''),
    ('GT', D, "Đăng ký phương tiện thủy nội địa lần đầu", 3, 70000, 1, ''),
    ('DKKD', P, "Đăng ký thành lập doanh nghiệp tư nhân", 3, 50000, 2, ''),
    ('DKKD', P, "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành "
        "viên", 3, 50000, 5, ''),
    ('DKKD', P, "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành "
        "viên trở lên", 3, 50000, 2, ''),
    ('DKKD', P, "Đăng ký thành lập công ty cổ phần", 3, 50000, 2, ''),
    ('DKKD', P, "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", 3, 50000,
        6, ''),
    ('DKKD', P, "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước "
        "thời hạn đã thông báo", 3, 0, 2, ''),
    ('DKKD', P, "Giải thể doanh nghiệp", 5, 0, 1, ''),
    ('DKKD', P, "Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm "
        "kinh doanh", 3, 50000, 2, ''),
    ('DKKD', P, "Cung cấp thông tin về đăng ký doanh nghiệp", 0, 20000, 1,
        'i'),
    ('DKKD', D, "Đăng ký thành lập hộ kinh doanh", 3, 100000, 12, ''),
    ('DKKD', D, "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3, 50000,
        4, ''),
    ('DKKD', D, "Tạm ngừng kinh doanh, chấm dứt hoạt động hộ kinh doanh", 3,
        0, 3, ''),
    ('DKKD', D, "Đăng ký thành lập hợp tác xã", 5, 100000, 1, ''),
    ('DT', P, "Chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh",
        30, 0, 1, 'r'),
    ('DT', P, "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc "
        "diện chấp thuận chủ trương đầu tư", 15, 0, 1, ''),
    ('DT', P, "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", 10, 0, 1, ''),
    ('LLTP', P, "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người "
        "nước ngoài đang cư trú tại Việt Nam", 10, 200000, 15, ''),
    ('LLTP', P, "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, cơ quan "
        "tiến hành tố tụng", 10, 0, 1, ''),
    ('LLTP', P, "Cấp Phiếu lý lịch tư pháp cho sinh viên, thân nhân liệt "
        "sĩ, người có công với cách mạng", 10, 100000, 3, ''),
    ('BTTP', P, "Đăng ký hành nghề và cấp Thẻ công chứng viên", 10, 100000,
        1, ''),
    ('BTTP', P, "Đăng ký hoạt động văn phòng công chứng", 10, 1000000, 1,
        ''),
    ('BTTP', P, "Đăng ký hoạt động của tổ chức hành nghề luật sư", 10,
        100000, 1, ''),
    ('QT', P, "Thôi quốc tịch Việt Nam ở trong nước", 20, 2500000, 1, ''),
    ('QT', P, "Xác nhận có quốc tịch Việt Nam ở trong nước", 20, 100000,
        1, ''),
    ('NCN', C, "Đăng ký việc nuôi con nuôi trong nước", 30, 400000, 1, ''),
    ('NCN', C, "Đăng ký lại việc nuôi con nuôi trong nước", 5, 0, 1, ''),
    ('LD', P, "Giải quyết hưởng trợ cấp thất nghiệp", 20, 0, 8, ''),
    ('LD', P, "Cấp giấy phép lao động cho người lao động nước ngoài làm "
        "việc tại Việt Nam", 5, 400000, 2, ''),
    ('LD', P, "Cấp lại giấy phép lao động cho người lao động nước ngoài",
        3, 300000, 1, ''),
    ('LD', P, "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy "
        "phép lao động", 3, 0, 1, ''),
    ('LD', P, "Đăng ký nội quy lao động của doanh nghiệp", 7, 0, 1, ''),
    ('NCC', P, "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 12, 0, 1, ''),
    ('NCC', P, "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", 20, 0,
        1, ''),
    ('NCC', D, "Cấp giấy xác nhận thân nhân của người có công", 5, 0, 2, ''),
    ('NCC', P, "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi "
        "nơi thường trú", 5, 0, 1, ''),
    ('BTXH', D, "Trợ giúp xã hội thường xuyên tại cộng đồng", 20, 0, 5, ''),
    ('BTXH', D, "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 3,
        0, 2, ''),
    ('BTXH', C, "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác "
        "nhận khuyết tật", 25, 0, 3, ''),
    ('BTXH', C, "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", 10,
        0, 3, ''),
    ('BTXH', C, "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 "
        "đối tượng có hoàn cảnh khó khăn", 5, 0, 1, ''),
    ('TDKT', D, "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện", 20,
        0, 1, ''),
    ('TDKT', P, "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh", 20,
        0, 1, 'r'),
    ('CTH', P, "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", 15, 1100000, 1, ''),
    ('CTH', P, "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm "
        "do Sở Công Thương thực hiện", 20, 700000, 1, ''),
    ('CTH', D, "Cấp Giấy phép bán lẻ rượu", 10, 1200000, 2, ''),
    ('CTH', P, "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
        15, 1200000, 1, ''),
    ('YT', P, "Cấp mới chứng chỉ hành nghề khám bệnh, chữa bệnh", 30,
        360000, 1, ''),
    ('YT', P, "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa", 30,
        4300000, 1, ''),
    ('YT', P, "Cấp Chứng chỉ hành nghề dược", 10, 500000, 1, ''),
    ('YT', P, "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm do "
        "Sở Y tế thực hiện", 20, 700000, 1, ''),
    ('VH', P, "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", 5,
        4000000, 1, ''),
    ('VH', P, "Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao", 30,
        1500000, 1, ''),
    ('VH', P, "Cấp thẻ hướng dẫn viên du lịch nội địa", 10, 650000, 1, ''),
    ('VH', P, "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", 10,
        3000000, 1, ''),
    ('GD', P, "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 0, 0, 2, 'i'),
    ('GD', P, "Chỉnh sửa nội dung văn bằng, chứng chỉ", 5, 0, 1, ''),
    ('GD', P, "Công nhận văn bằng tốt nghiệp do cơ sở giáo dục nước ngoài "
        "cấp", 20, 0, 1, ''),
    ('GD', P, "Chuyển trường đối với học sinh trung học phổ thông", 3, 0,
        1, ''),
    ]


def procedure_code(index):
    "A stable code in the national database form for the index-th procedure"
    return f"{'2' if index % 3 == 2 else '1'}.{1100 + 53 * index:06d}"


# Public holidays of civil servants (date, name, kind); make-up working
# days are Saturdays worked to bridge a holiday.
def _days(start, count, name):
    return [(start + dt.timedelta(days=i), name, 'holiday')
        for i in range(count)]


HOLIDAYS = [
    (dt.date(2024, 1, 1), "Tết Dương lịch", 'holiday'),
    *_days(dt.date(2024, 2, 8), 7, "Tết Nguyên đán Giáp Thìn"),
    (dt.date(2024, 4, 18), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", 'holiday'),
    (dt.date(2024, 4, 29), "Nghỉ bù dịp 30/4 - 1/5", 'holiday'),
    (dt.date(2024, 4, 30), "Ngày Chiến thắng (30/4)", 'holiday'),
    (dt.date(2024, 5, 1), "Ngày Quốc tế Lao động (1/5)", 'holiday'),
    (dt.date(2024, 5, 4), "Làm bù cho ngày 29/4", 'working'),
    (dt.date(2024, 9, 2), "Quốc khánh (2/9)", 'holiday'),
    (dt.date(2024, 9, 3), "Quốc khánh (nghỉ liền kề)", 'holiday'),
    (dt.date(2025, 1, 1), "Tết Dương lịch", 'holiday'),
    *_days(dt.date(2025, 1, 25), 9, "Tết Nguyên đán Ất Tỵ"),
    (dt.date(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", 'holiday'),
    (dt.date(2025, 4, 26), "Làm bù cho ngày 2/5", 'working'),
    (dt.date(2025, 4, 30), "Ngày Chiến thắng (30/4)", 'holiday'),
    (dt.date(2025, 5, 1), "Ngày Quốc tế Lao động (1/5)", 'holiday'),
    (dt.date(2025, 5, 2), "Nghỉ bù dịp 30/4 - 1/5", 'holiday'),
    (dt.date(2025, 9, 1), "Quốc khánh (nghỉ liền kề)", 'holiday'),
    (dt.date(2025, 9, 2), "Quốc khánh (2/9)", 'holiday'),
    (dt.date(2026, 1, 1), "Tết Dương lịch", 'holiday'),
    *_days(dt.date(2026, 2, 14), 9, "Tết Nguyên đán Bính Ngọ"),
    (dt.date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (26/4)", 'holiday'),
    (dt.date(2026, 4, 30), "Ngày Chiến thắng (30/4)", 'holiday'),
    (dt.date(2026, 5, 1), "Ngày Quốc tế Lao động (1/5)", 'holiday'),
    (dt.date(2026, 9, 1), "Quốc khánh (nghỉ liền kề)", 'holiday'),
    (dt.date(2026, 9, 2), "Quốc khánh (2/9)", 'holiday'),
    ]

# Names: (name, weight)
FAMILY_NAMES = [
    ("Nguyễn", 36), ("Trần", 11), ("Lê", 9), ("Phạm", 6), ("Huỳnh", 5),
    ("Hoàng", 2), ("Võ", 4), ("Vũ", 1), ("Phan", 4), ("Trương", 2),
    ("Bùi", 2), ("Đặng", 2), ("Đỗ", 1.5), ("Ngô", 1.5), ("Hồ", 1.5),
    ("Dương", 1), ("Đinh", 1), ("Lâm", 1), ("Mai", 0.7), ("Đoàn", 0.8),
    ("Lý", 0.5), ("Châu", 0.5), ("Tô", 0.4), ("Lương", 0.5), ("Thái", 0.4),
    ("Đàng", 0.6), ("Thông", 0.3), ("Quảng", 0.3), ("Từ", 0.2),
    ]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh",
    "Công", "Ngọc", "Xuân", "Hoàng", "Tấn", "Thành", "Trọng"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ",
    "Bích", "Hồng", "Phương", "Minh", "Thùy", "Hoài"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hòa",
    "Hùng", "Huy", "Khang", "Khánh", "Long", "Lộc", "Minh", "Nam", "Nghĩa",
    "Phát", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thành",
    "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Vũ", "Bảo",
    "Duy", "Hậu", "Kiên", "Nhân", "Tín"]
FEMALE_GIVEN = ["Anh", "Châu", "Chi", "Diễm", "Dung", "Giang", "Hà", "Hạnh",
    "Hằng", "Hiền", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan", "Mai",
    "My", "Nga", "Ngân", "Nhi", "Nhung", "Oanh", "Phượng", "Quyên", "Tâm",
    "Thảo", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Yến",
    "Nhàn", "Lệ", "Xuân"]

SUPPLEMENT_REASONS = [
    "Thiếu bản sao giấy tờ tùy thân của người nộp hồ sơ",
    "Tờ khai chưa ghi đầy đủ thông tin theo mẫu",
    "Thông tin trên tờ khai không khớp với giấy tờ kèm theo",
    "Bổ sung giấy tờ chứng minh quyền sử dụng đất",
    "Bổ sung bản vẽ có chữ ký của chủ đầu tư",
    "Bổ sung văn bản ủy quyền có chứng thực",
    ]
REJECT_REASONS = [
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan",
    "Không đủ điều kiện giải quyết theo quy định",
    "Quá thời hạn bổ sung hồ sơ theo yêu cầu",
    "Thửa đất đang có tranh chấp, chưa đủ điều kiện giải quyết",
    ]
WITHDRAW_REASONS = [
    "Công dân có đơn xin rút hồ sơ",
    "Người nộp hồ sơ đề nghị rút để hoàn thiện lại hồ sơ",
    "Tổ chức đề nghị dừng giải quyết hồ sơ",
    ]

# ------------------------------------------------- satisfaction surveys
# The password of the demo logins (demo only)
PASSWORD = 'motcua-2026'
# The Department of Home Affairs: reads the answers and appraises the
# reform scorecards of the whole province
EVALUATOR = ('danhgia', "Phạm Thị Thu Hà",
    "Đánh giá mức độ hài lòng (Satisfaction Evaluator) - Sở Nội vụ, "
    "toàn tỉnh")

# Coverage of the survey per agency code, as in the source notice:
# (share of the eligible dossiers answered, share declined, share of the
# receipts printed).  The agencies named in the notice as sending most
# forms:
SURVEY_NAMED = {
    'H15.02': (0.78, 0.04, 0.98),  # Sở Kế hoạch và Đầu tư
    'H15.03': (0.72, 0.05, 0.97),  # Sở Tư pháp
    'H15.24': (0.70, 0.05, 0.97),  # UBND huyện Hàm Thuận Bắc
    'H15.21': (0.66, 0.06, 0.96),  # UBND thị xã La Gi
    'H15.23': (0.62, 0.06, 0.95),  # UBND huyện Bắc Bình
    # UBND huyện Hàm Thuận Nam: forms sent, but many citizens objected
    'H15.25': (0.56, 0.30, 0.95),
    }
# Their successors kept part of the habit
SURVEY_SUCCESSORS = {
    'H15.10': (0.42, 0.04, 0.90),  # Sở Tài chính (with KH&ĐT from 03/2025)
    'H15.50.04': (0.40, 0.05, 0.90),  # phường La Gi
    'H15.50.08': (0.38, 0.05, 0.90),  # xã Bắc Bình
    'H15.50.10': (0.42, 0.05, 0.90),  # xã Hàm Thuận Bắc
    'H15.50.12': (0.30, 0.25, 0.90),  # xã Hàm Thuận Nam
    }
# Hardly any form
SURVEY_NEAR_ZERO = {
    ROOT: (0.02, 0.01, 0.30),
    'H15.06': (0.03, 0.01, 0.40),  # Sở Giao thông vận tải
    'H15.26': (0.02, 0.01, 0.30),  # UBND huyện Tánh Linh
    'H15.29': (0.01, 0.00, 0.20),  # UBND huyện Phú Quý
    'H15.50.17': (0.02, 0.00, 0.25),  # đặc khu Phú Quý
    }
# The Centre has the QR codes on its counters (point 6 of the notice)
SURVEY_CENTRE = (0.28, 0.03, 0.95)
# Other units of the Hàm Thuận Nam area: more declines than elsewhere
HAM_THUAN_NAM_AREA = {'H15.25.01', 'H15.25.06', 'H15.50.13'}

# Causes of dissatisfaction: (weight, element most affected, complaints)
COMPLAINTS = {
    'come_back': (3, 'procedure', [
            "Phải đi lại nhiều lần mới nộp đủ hồ sơ, mỗi lần lại được yêu "
            "cầu bổ sung một loại giấy tờ khác.",
            "Lần đầu không được hướng dẫn đầy đủ nên phải đi lại nhiều lần, "
            "mất thời gian và chi phí đi lại.",
            "Hồ sơ bị trả về để bổ sung nhưng không nói rõ lý do ngay từ "
            "đầu, phải đi lại mấy lần.",
            ]),
    'late': (3, 'result', [
            "Trả kết quả trễ hẹn, không có ai gọi điện báo trước.",
            "Đến đúng ngày hẹn nhưng chưa có kết quả, phải chờ thêm mấy "
            "ngày nữa.",
            "Kết quả bị trễ hẹn mà không nhận được phiếu xin lỗi và hẹn lại "
            "ngày trả.",
            ]),
    'guidance': (3, 'official', [
            "Cán bộ hướng dẫn chưa rõ, mỗi lần hỏi lại được trả lời một "
            "kiểu.",
            "Hướng dẫn thành phần hồ sơ chưa rõ ràng, đề nghị có mẫu đơn "
            "ghi sẵn để người dân làm theo.",
            "Hỏi thì cán bộ chỉ nói lên mạng xem, không giải thích cụ thể.",
            ]),
    'waiting': (2, 'access', [
            "Phải chờ đợi lâu tại quầy, chỉ có một cán bộ tiếp nhận.",
            "Xếp hàng lâu, máy lấy số thứ tự không hoạt động.",
            "Buổi sáng đông người mà cán bộ đến muộn, người dân phải chờ.",
            ]),
    'attitude': (2, 'official', [
            "Thái độ cán bộ chưa niềm nở, trả lời qua loa.",
            "Cán bộ nói chuyện riêng, để người dân đứng chờ.",
            ]),
    'premises': (1, 'access', [
            "Chỗ ngồi chờ chật, nóng, thiếu quạt.",
            "Khó tìm chỗ gửi xe, bảng chỉ dẫn các quầy không rõ.",
            ]),
    'fees': (1, 'procedure', [
            "Không được giải thích rõ các khoản phí, lệ phí phải nộp.",
            "Thủ tục còn rườm rà, phải nộp nhiều bản sao giấy tờ đã có "
            "trong cơ sở dữ liệu.",
            ]),
    }
SUGGESTIONS = [
    "Tạm được, nhưng thời gian chờ ở quầy còn lâu.",
    "Nên bố trí thêm ghế chờ và nước uống cho người dân.",
    "Cần niêm yết thủ tục và mẫu đơn rõ hơn tại quầy.",
    "Nên nhắn tin báo khi có kết quả để người dân khỏi đi lại.",
    "Cán bộ làm việc được nhưng cần hướng dẫn kỹ hơn.",
    ]
PRAISES = [
    "Cán bộ nhiệt tình, hướng dẫn tận tình, chu đáo.",
    "Thủ tục nhanh gọn, trả kết quả đúng hẹn.",
    "Rất hài lòng, cảm ơn cán bộ Bộ phận Một cửa.",
    "Được hướng dẫn một lần là hiểu, không phải đi lại.",
    "Phục vụ chu đáo, nơi làm việc sạch sẽ, thoáng mát.",
    "Cán bộ lịch sự, giải quyết nhanh.",
    ]
PRAISES_EARLY = [
    "Nhận kết quả sớm hơn ngày hẹn, rất hài lòng.",
    "Có kết quả trước hẹn, cảm ơn cán bộ.",
    ]
