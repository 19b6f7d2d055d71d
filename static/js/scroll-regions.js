// A box that scrolls sideways (a wide table in .table-responsive, a chart, the monitoring grid)
// is reached by the keyboard too: while its content is wider than the box it takes the focus
// (tabindex="0"), so that the arrow keys scroll it (WCAG 2.1.1; axe's scrollable-region-focusable).
// It is named after its table's caption or the heading before it. Once focusable it stays so (a
// narrower window makes it scroll again).
(() => {
  const BOXES = ".table-responsive, .monitoring-chart-scroll, .monitoring-grid-wrap, [data-scroll-region]";

  const nameOf = (box) => {
    const caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    let previous = box.previousElementSibling;
    while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
    return previous ? previous.textContent.trim() : "";
  };

  const update = () => {
    document.querySelectorAll(BOXES).forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        const name = nameOf(box);
        if (name && !box.hasAttribute("aria-label")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      }
    });
  };

  update();
  window.addEventListener("resize", update);
})();
