// The plan's page: «Выбрать все» / «Снять все» for the ticks of the items to mark at once
// (associations/plans/includes/plan_bulk_mark.html). Without JavaScript the items are ticked one by one.
(function () {
  "use strict";
  const form = document.getElementById("plan-bulk-mark");
  if (!form) {
    return;
  }
  const ticks = () => document.querySelectorAll('input[form="plan-bulk-mark"][name="bulk-items"]');
  const count = form.querySelector("[data-ticked-count]");
  const update = () => {
    if (count) {
      count.textContent = String([...ticks()].filter((tick) => tick.checked).length);
    }
  };
  form.querySelectorAll("[data-tick-all]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const on = button.dataset.tickAll === "on";
      ticks().forEach((tick) => { tick.checked = on; });
      update();
    });
  });
  form.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches('input[form="plan-bulk-mark"]')) {
      update();
    }
  });
  update();
})();
