"""The JSON view: one versioned schema with the same content as the text."""

import datetime
import json

from gmr import model
from gmr import render


def test_json_report_follows_the_gmr_1_schema():
    stamp = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000,
                              tzinfo=datetime.timezone.utc)
    report = model.Report(
        model.Header('svc', 'uwsgi', 42, 3, stamp, 5),
        [model.Section('Package', 'package', {'product': 'p'}),
         model.Section('Broken', error='ValueError: boom')])
    doc = json.loads(render.render(report, 'json'))
    assert doc['schema'] == 'gmr/1'
    assert doc['header'] == {
        'service': 'svc', 'run_mode': 'uwsgi', 'pid': 42, 'worker_id': 3,
        'timestamp': '2026-01-02T03:04:05.678Z', 'answers': 5}
    assert doc['sections'] == [
        {'title': 'Package', 'kind': 'package', 'data': {'product': 'p'},
         'error': None},
        {'title': 'Broken', 'kind': 'generic', 'data': None,
         'error': 'ValueError: boom'}]


def test_json_renders_odd_section_data_as_strings():
    stamp = datetime.datetime.now(datetime.timezone.utc)
    report = model.Report(model.Header('s', 'wsgi', 1, None, stamp, 0),
                          [model.Section('Odd', data={'when': stamp})])
    doc = json.loads(render.render(report, 'json'))
    assert doc['sections'][0]['data'] == {'when': str(stamp)}
