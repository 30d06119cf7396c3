"""Sphinx configuration of the course book (`make book`).

The lessons are rendered from their committed outputs (myst-nb, execution off); tools/build_book.py
copies them and an index generated from README.md's lesson table into _build/book-src/ and builds
_build/book/. The site must build and display offline: the theme's assets come from the installed
sphinx-book-theme / pydata-sphinx-theme wheels, MathJax 3 from the sphinx-mathjax-offline wheel, and
the remote badge images in the lessons' first cells are swapped for local copies in _static/.
"""

project = "gan-course"
author = "gan-course authors"
copyright = "gan-course authors, Apache-2.0"


def _repository() -> str:
    """gan_course.config.REPOSITORY, read without importing the package (and TensorFlow with it).

    conf.py runs from book/ and, copied, from _build/book-src/: the repository root is the first
    folder above it that holds gan_course/config.py.
    """
    import ast
    from pathlib import Path

    for folder in Path(__file__).resolve().parents:
        config = folder / "gan_course" / "config.py"
        if config.is_file():
            for node in ast.parse(config.read_text()).body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "REPOSITORY" for t in node.targets):
                    return ast.literal_eval(node.value)
    raise RuntimeError("gan_course/config.py with REPOSITORY not found above book/conf.py")


REPOSITORY = _repository()  # one place for the address: gan_course/config.py

extensions = ["myst_nb", "sphinx-mathjax-offline"]  # the latter sets mathjax_path to its bundled copy
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The notebooks are committed executed (full settings, minutes each, TensorFlow): never re-run them.
nb_execution_mode = "off"
# Widget outputs need @jupyter-widgets JavaScript from a CDN; show their text/plain fallback instead.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = "gan-course"
html_static_path = ["_static"]
html_css_files = ["book.css"]
# Without a default, pydata-sphinx-theme logs "Got invalid theme mode: ." on a first visit (console
# error); light also suits the notebooks' figures, which have white backgrounds.
html_context = {"default_mode": "light"}
html_copy_source = False  # no _sources/ copies of the (large) notebooks
html_show_sourcelink = False
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "",  # the book mirrors the repository: notebooks/ and docs/ at its root
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": True,
}

# The lessons' first cells show badges fetched from colab.research.google.com and img.shields.io;
# offline they would not load, so the book serves local copies (the links around them are kept).
LOCAL_BADGES = {
    "https://colab.research.google.com/assets/colab-badge.svg": "_static/colab-badge.svg",
    "https://img.shields.io/badge/view%20on-GitHub-181717?logo=github": "_static/github-badge.svg",
}


def _localise_badges(app, doctree):
    from docutils import nodes  # imported here so that tools/build_book.py can read REPOSITORY without Sphinx

    docname = app.env.docname
    prefix = "../" * docname.count("/")
    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split():
            continue
        text = node.astext()
        new = text
        for remote, local in LOCAL_BADGES.items():
            new = new.replace(remote, prefix + local)
        if new != text:
            node.replace_self(nodes.raw(node.rawsource, new, format=node["format"]))
    for node in doctree.findall(nodes.image):
        uri = node.get("uri", "")
        if uri in LOCAL_BADGES:
            node["uri"] = LOCAL_BADGES[uri]


def setup(app):
    app.connect("doctree-read", _localise_badges)
