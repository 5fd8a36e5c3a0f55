/* Lawtrail comment widget: messages in the site's language.
 *
 * The catalog and its plural rule are lawtrail.js's (window.lawtrail), which the build fills
 * from the same message catalog as the pages (site_builder/i18n.py): t() is gettext, n() is
 * ngettext, with "%(name)s" placeholders.
 */

export function t(msgid, params) {
  return window.lawtrail.t(msgid, params);
}

export function n(singular, plural, count, params) {
  return window.lawtrail.n(singular, plural, count, params);
}

/* The site's language (lawtrail.js's): the widget's own words are marked with it, and the
   intake is asked to answer in it, not in the browser's. */
export function language() {
  return window.lawtrail.lang;
}
