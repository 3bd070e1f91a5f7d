"""The committed configuration sample matches the options' definitions."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_sample_config_is_up_to_date(tmp_path):
    """Regenerate with ``tox -e genconfig`` when this fails."""
    generated = tmp_path / 'zaqar-lite.conf.sample'
    subprocess.run(
        [sys.executable, '-m', 'oslo_config.generator',
         '--config-file',
         str(ROOT / 'etc' / 'oslo-config-generator' / 'zaqar-lite.conf'),
         '--output-file', str(generated)],
        check=True, cwd=ROOT)
    committed = (ROOT / 'etc' / 'zaqar-lite.conf.sample').read_text()
    assert generated.read_text() == committed


def test_every_option_has_help_text():
    from zaqar_lite.conf import opts
    missing = ['%s.%s' % (group, opt.name)
               for group, group_opts in opts.list_opts()
               for opt in group_opts if not (opt.help or '').strip()]
    assert missing == []
