# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The public results (satisfaction_publication) of a hand-built province
(tests/publication_world.py), over HTTP on a real trytond server: every
figure of the pages, of the CSV and of the JSON against values worked out
by hand here; the content hash recomputed from the JSON; unpublished and
unknown periods are 404 pages; insufficient samples are not ranked; ETag,
304, gzip and the security headers.

The figures, by hand (see publication_world.py for the answers):

Q1: B (Sở Xây dựng) 3 answers of 5 dossiers: coverage 3/5 = 60,0 %;
overall 5, 2, 4: satisfied 2/3 = 66,7 %, mean 11/3 = 3,6667; access 4, 1,
2: 1/3 = 33,3 %, the only element with data, so SIPAS 33,3 %; points 1.1
coverage 0,6 ≥ target 0,5: 5; 1.2 10 × (2/3) / 0,9 = 7,407 → 7,41; 2.1
70; total 82,41 ≥ 80: Tốt, rank 1.
A (Sở Tư pháp) 4 of 4: coverage 100 %; overall 5, 5, 4, 5: 100 %, mean
19/4 = 4,75; access 5, 4, 4, 3: 3/4 = 75 %; procedure 100 %; official 4,
2, 4, 4: 75 %; result 100 %; feedback not applicable: no data; SIPAS
(0,75 + 1 + 0,75 + 1) / 4 = 87,5 %; points 5 + 10 + 60 = 75: Khá (65 ≤ 75
< 80), rank 2.
C (UBND xã An Bình) 2 of 2 rated 5: 100 %, no element: SIPAS "–"; points 5
+ 10 + 50 = 65: Khá, published rank 3, but 2 answers < the sample of 3 of
criterion 1.2: "Chưa đủ mẫu" instead of a rank.
Ranks on the criteria: 1.1 A 1,0 and C 1,0 share rank 1, B 0,6 is 3rd;
1.2 A 1, B 2, C not ranked.

Q2: B 3 of 3, overall 4, 4, 5: 100 %; 1.2 10, 2.1 75: 85, Tốt, rank 1.
A 1 of 1 rated 1: 0 %; 1.2 0 points, insufficient (1 < 3); 2.1 60: 60,
Trung bình (50 ≤ 60 < 65), published rank 2, shown "Chưa đủ mẫu".
"""
import csv
import gzip
import hashlib
import io
import json

import pytest
from publication_http import facts, get, tables
from publication_world import COMMENT, STATEMENT, publish_province

MODULES = ('public_satisfaction', 'satisfaction_publication')
NBSP = '\u00a0'
MAX_PAGE = 50 * 1024


def pc(text):
    "A percentage as the Vietnamese pages write it: '66,7 %'"
    return text.replace(' ', NBSP)


@pytest.fixture(scope='module')
def server(trytond_server_factory):
    return trytond_server_factory(MODULES)


@pytest.fixture(scope='module')
def province(server, direct):
    return publish_province(direct, 'PUB')


def page(server, path, **headers):
    answer = get(server, path, headers)
    assert answer.status == 200, (path, answer.status, answer.text[:2000])
    assert len(answer.body) < MAX_PAGE, (path, len(answer.body))
    return answer.text


def test_period_page(server, province):
    html = page(server, f'/{province.periods["Q1"]}')
    found = tables(html)
    assert found['table-agencies'] == [
        ['Cơ quan', 'Số phiếu', 'Tỷ lệ tham gia', 'Hài lòng', 'Mức 5',
            'Mức 4', 'Mức 3', 'Mức 2', 'Mức 1', 'Chỉ số SIPAS', 'Điểm',
            'Xếp loại', 'Xếp hạng'],
        ['Sở Xây dựng', '3', pc('60,0 %'), pc('66,7 %'), '1', '1', '0', '1',
            '0', pc('33,3 %'), '82,41', 'Tốt', '1'],
        ['Sở Tư pháp', '4', pc('100,0 %'), pc('100,0 %'), '3', '1', '0',
            '0', '0', pc('87,5 %'), '75', 'Khá', '2'],
        ['UBND xã An Bình', '2', pc('100,0 %'), pc('100,0 %'), '2', '0',
            '0', '0', '0', '–', '65', 'Khá', 'Chưa đủ mẫu'],
        ]
    # the criteria computed from the survey: figure and points
    assert found['table-criteria'] == [
        ['Cơ quan', '1.1 %', '1.1 Điểm', '1.2 %', '1.2 Điểm'],
        ['Sở Xây dựng', pc('60,0 %'), '5', pc('66,7 %'), '7,41'],
        ['Sở Tư pháp', pc('100,0 %'), '5', pc('100,0 %'), '10'],
        ['UBND xã An Bình', pc('100,0 %'), '5', pc('100,0 %'), '10'],
        ]
    assert ('Mã băm nội dung (SHA-256)', province.hashes['Q1']) in facts(html)
    assert ('Kỳ đánh giá', '01/01/2025 – 31/03/2025') in facts(html)
    # the chart: one bar per agency, its value written by it
    assert html.count('<svg') == 1 and '<rect' in html
    assert f'>{pc("66,7 %")}</text>' in html
    assert 'aria-labelledby="chart-satisfaction-caption"' in html
    assert '1.2: Tỷ lệ hài lòng' in html
    for private in [COMMENT, 'Trần Văn Bình', 'Nguyễn Văn An',
            'Administrator']:
        assert private not in html


def test_period_page_in_english(server, province):
    html = page(server, f'/{province.periods["Q1"]}?lang=en')
    rows = tables(html)['table-agencies']
    assert rows[0][:4] == ['Agency', 'Answers', 'Coverage', 'Satisfied']
    assert rows[1][:4] == ['Sở Xây dựng', '3', pc('60.0 %'), pc('66.7 %')]
    assert rows[3][-1] == 'Insufficient sample'
    assert 'lang="en"' in html
    assert f'href="/{server.database}/ket-qua/{province.periods["Q1"]}"' \
        in html  # the switch back to Vietnamese


def test_agency_page_trend(server, province):
    b = province.agencies['b']
    html = page(server, f'/{province.periods["Q2"]}/{b}')
    found = tables(html)
    assert found['table-trend'] == [
        ['Kỳ đánh giá', 'Số phiếu', 'Tỷ lệ tham gia', 'Hài lòng',
            'Chỉ số SIPAS', 'Điểm', 'Xếp loại', 'Xếp hạng'],
        ['Đánh giá CCHC quý 1/2025', '3', pc('60,0 %'), pc('66,7 %'),
            pc('33,3 %'), '82,41', 'Tốt', '1'],
        ['Đánh giá CCHC quý 2/2025', '3', pc('100,0 %'), pc('100,0 %'), '–',
            '85', 'Tốt', '1'],
        ]
    assert found['table-elements'] == [
        ['Yếu tố', province.periods['Q1'], province.periods['Q2']],
        ['Tiếp cận dịch vụ', pc('33,3 %'), '–'],
        ['Thủ tục hành chính', '–', '–'],
        ['Công chức giải quyết công việc', '–', '–'],
        ['Kết quả giải quyết', '–', '–'],
        ['Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị', '–', '–'],
        ]
    # Q2: overall 4, 4, 5
    assert found['table-levels'] == [
        ['Mức', 'Số phiếu', 'Tỷ lệ'],
        ['5', '1', pc('33,3 %')], ['4', '2', pc('66,7 %')],
        ['3', '0', pc('0,0 %')], ['2', '0', pc('0,0 %')],
        ['1', '0', pc('0,0 %')],
        ]
    assert found['table-lines'] == [
        ['Tiêu chí', 'Số liệu', 'Cỡ mẫu', 'Điểm', 'Tối đa',
            'Xếp hạng theo tiêu chí'],
        ['1.2 Tỷ lệ hài lòng', pc('100,0 %'), '3', '10', '10', '1'],
        ['2.1 Cải cách thủ tục hành chính', '–', '–', '75', '80', '–'],
        ]
    assert facts(html) == [
        ('Mã cơ quan', b),
        ('Kỳ đánh giá', 'Đánh giá CCHC quý 2/2025 (01/04/2025 – 30/06/2025)'),
        ('Điểm', '85'), ('Xếp loại', 'Tốt'), ('Xếp hạng', '1')]
    # the trend chart: two lines (satisfaction, SIPAS: no data, markers
    # only where there are figures) and the levels chart
    assert html.count('<svg xmlns') == 2
    assert html.count('<polyline') == 1
    # the statement approved, one paragraph per line
    assert 'Những thay đổi của cơ quan sau Đánh giá CCHC quý 2/2025' in html
    assert '<p>Mở thêm một quầy tiếp nhận vào buổi sáng.</p>' in html
    assert '<p>Niêm yết thời hạn giải quyết tại mỗi quầy.</p>' in html


def test_agency_page_details_of_q1(server, province):
    b = province.agencies['b']
    html = page(server, f'/{province.periods["Q1"]}/{b}')
    assert tables(html)['table-lines'][1:] == [
        ['1.1 Tỷ lệ tham gia khảo sát', pc('60,0 %'), '5', '5', '5', '3'],
        ['1.2 Tỷ lệ hài lòng', pc('66,7 %'), '3', '7,41', '10', '2'],
        ['2.1 Cải cách thủ tục hành chính', '–', '–', '70', '80', '–'],
        ]


def test_insufficient_sample_is_not_ranked(server, province):
    a = province.agencies['a']
    html = page(server, f'/{province.periods["Q2"]}/{a}')
    assert ('Xếp hạng', 'Chưa đủ mẫu') in facts(html)
    assert ('Xếp loại', 'Trung bình') in facts(html)
    # its statement is not approved: not shown
    assert 'Chưa được duyệt' not in html
    assert 'Những thay đổi của cơ quan' not in html
    lines = tables(html)['table-lines']
    assert lines[1] == [
        '1.2 Tỷ lệ hài lòng', pc('0,0 %'), '1', '0', '10', 'Chưa đủ mẫu']
    rows = tables(page(server, f'/{province.periods["Q2"]}'))[
        'table-agencies']
    assert [(r[0], r[-1]) for r in rows[1:]] == [
        ('Sở Xây dựng', '1'), ('Sở Tư pháp', 'Chưa đủ mẫu')]


def test_index(server, province):
    html = page(server, '')
    q1, q2 = province.periods['Q1'], province.periods['Q2']
    assert f'/ket-qua/{q1}"' in html and f'/ket-qua/{q2}"' in html
    assert province.draft not in html
    # the latest period: Q2 of this province (published last)
    assert 'Kết quả mới nhất: Đánh giá CCHC quý 2/2025' in html
    rows = tables(html)['table-agencies']
    assert rows[1][:4] == ['Sở Xây dựng', '3', pc('100,0 %'),
        pc('100,0 %')]


def test_unpublished_and_unknown_are_404(server, province):
    for path in [f'/{province.draft}', f'/{province.draft}.csv',
            f'/{province.draft}.json', '/KHONG-CO',
            f'/{province.draft}/{province.agencies["b"]}',
            # C has no scorecard in Q2; an unknown agency
            f'/{province.periods["Q2"]}/{province.agencies["c"]}',
            f'/{province.periods["Q1"]}/Z00.Z00.Z00',
            ]:
        answer = get(server, path)
        assert answer.status == 404, path
        assert 'Không tìm thấy trang' in answer.text
        assert answer.headers['cache-control'] == 'no-store'
        assert 'etag' not in answer.headers
    assert '<h1>Page not found</h1>' in get(server, '/KHONG-CO?lang=en').text


def test_csv(server, province):
    answer = get(server, f'/{province.periods["Q1"]}.csv')
    assert answer.status == 200
    assert answer.headers['content-type'] == 'text/csv; charset=utf-8'
    assert answer.headers['access-control-allow-origin'] == '*'
    text = answer.body.decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(text)))
    a, b, c = (province.agencies[k] for k in 'abc')
    assert rows == [
        ['agency_code', 'agency_name', 'eligible', 'answered', 'excluded',
            'coverage', 'satisfaction', 'mean', 'sipas_index', 'level_1',
            'level_2', 'level_3', 'level_4', 'level_5', 'element_access',
            'element_procedure', 'element_official', 'element_result',
            'element_feedback', 'points_1.1', 'figure_1.1', 'points_1.2',
            'figure_1.2', 'points_2.1', 'figure_2.1', 'total',
            'classification', 'sufficient_sample', 'rank'],
        # mean of B 11/3 = 3.6667; of A 19/4 = 4.75
        [b, 'Sở Xây dựng', '5', '3', '0', '0.6', '0.6667', '3.6667',
            '0.3333', '0', '1', '0', '1', '1', '0.3333', '', '', '', '',
            '5', '0.6', '7.41', '0.6667', '70', '', '82.41', 'Tốt', 'true',
            '1'],
        [a, 'Sở Tư pháp', '4', '4', '0', '1', '1', '4.75', '0.875', '0',
            '0', '0', '1', '3', '0.75', '1', '0.75', '1', '', '5', '1',
            '10', '1', '60', '', '75', 'Khá', 'true', '2'],
        [c, 'UBND xã An Bình', '2', '2', '0', '1', '1', '5', '', '0', '0',
            '0', '0', '2', '', '', '', '', '', '5', '1', '10', '1', '50', '',
            '65', 'Khá', 'false', ''],
        ]
    assert COMMENT not in text


def test_json_and_the_hash(server, province):
    answer = get(server, f'/{province.periods["Q1"]}.json')
    assert answer.status == 200
    assert answer.headers['content-type'] == \
        'application/json; charset=utf-8'
    document = json.loads(answer.body)
    assert document['schema'] == 'satisfaction-publication/1'
    assert document['period']['code'] == province.periods['Q1']
    assert document['period']['start_date'] == '2025-01-01'
    assert document['period']['content_hash'] == province.hashes['Q1']
    assert [c['code'] for c in document['criteria']] == ['1.1', '1.2', '2.1']
    assert document['criteria'][1] == {
        'code': '1.2', 'name': 'Tỷ lệ hài lòng', 'area': '1',
        'kind': 'survey_satisfaction', 'max_points': 10.0}
    b, a, c = document['agencies']
    assert (b['name'], b['total'], b['classification'], b['rank'],
        b['sufficient_sample']) == ('Sở Xây dựng', 82.41, 'Tốt', 1, True)
    assert b['survey'] == {
        'eligible': 5, 'answered': 3, 'excluded': 0, 'coverage': 0.6,
        'satisfaction': 0.6667, 'mean': 3.6667, 'sipas_index': 0.3333,
        'levels': {'1': 0, '2': 1, '3': 0, '4': 1, '5': 1},
        'elements': {'access': 0.3333, 'procedure': None, 'official': None,
            'result': None, 'feedback': None}}
    assert b['lines'] == [
        {'criterion': '1.1', 'points': 5.0, 'figure': 0.6, 'sample': 5,
            'insufficient_sample': False, 'rank': 3},
        {'criterion': '1.2', 'points': 7.41, 'figure': 0.6667, 'sample': 3,
            'insufficient_sample': False, 'rank': 2},
        {'criterion': '2.1', 'points': 70.0, 'figure': None, 'sample': None,
            'insufficient_sample': False, 'rank': None},
        ]
    assert (a['total'], a['classification'], a['rank'],
        a['survey']['sipas_index'], a['survey']['elements']) == (
        75.0, 'Khá', 2, 0.875, {'access': 0.75, 'procedure': 1.0,
            'official': 0.75, 'result': 1.0, 'feedback': None})
    # C: not ranked (insufficient sample), its published rank kept
    assert (c['rank'], c['published_rank'], c['sufficient_sample'],
        c['lines'][1]['insufficient_sample'], c['lines'][1]['rank']) == (
        None, 3, False, True, None)

    # The hash, recomputed as docs/open-data.md says
    text = json.dumps(document['content'], sort_keys=True,
        separators=(',', ':'), ensure_ascii=False)
    assert hashlib.sha256(text.encode('utf-8')).hexdigest() == \
        province.hashes['Q1']
    scorecards = {s['agency']: s for s in document['content']['scorecards']}
    assert scorecards[c['code']]['rank'] == 3
    assert scorecards[b['code']]['appraised_total'] == '82.41'
    assert COMMENT not in answer.text


def test_statement_in_the_json(server, province):
    document = json.loads(get(server, f'/{province.periods["Q2"]}.json').body)
    b, a = document['agencies']
    assert b['statement']['text'] == STATEMENT
    assert b['statement']['approved_date'].endswith('Z')
    assert a['statement'] is None
    document = json.loads(get(server, f'/{province.periods["Q1"]}.json').body)
    assert {x['statement'] for x in document['agencies']} == {None}


def test_etag_304_and_gzip(server, province):
    path = f'/{province.periods["Q1"]}/{province.agencies["a"]}'
    first = get(server, path)
    etag = first.headers['etag']
    assert etag.startswith('"') and len(etag) == 34
    assert first.headers['last-modified'].endswith('GMT')
    assert first.headers['vary'] == 'Accept-Encoding'
    assert first.headers['cache-control'] == 'public, max-age=300'
    # the survey pages' security headers
    assert first.headers['x-content-type-options'] == 'nosniff'
    assert first.headers['referrer-policy'] == 'no-referrer'
    assert "default-src 'none'" in first.headers['content-security-policy']
    assert "frame-ancestors 'none'" in \
        first.headers['content-security-policy']

    again = get(server, path, {'If-None-Match': etag})
    assert (again.status, again.body) == (304, b'')
    assert again.headers['etag'] == etag
    # weakened by a proxy, among others: still the same page
    weak = get(server, path, {'If-None-Match': f'"other", W/{etag}'})
    assert weak.status == 304
    # another page has another ETag
    other = get(server, path + '?lang=en', {'If-None-Match': etag})
    assert other.status == 200 and other.headers['etag'] != etag

    compressed = get(server, path, {'Accept-Encoding': 'gzip, deflate'})
    assert compressed.headers['content-encoding'] == 'gzip'
    assert gzip.decompress(compressed.body) == first.body
    assert len(compressed.body) < len(first.body) / 3
    assert 'content-encoding' not in first.headers
    # HEAD: the headers only
    head = get(server, path, method='HEAD')
    assert (head.status, head.body, head.headers['etag']) == (200, b'', etag)
    # not a way to change anything
    assert get(server, path, method='DELETE').status in {403, 405}
