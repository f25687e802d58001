-- The national framework's outcomes and enablers, in order, for the themes figures.
SELECT theme, theme_kind, theme_no, theme_short, theme_label, theme_order
FROM framework_themes
ORDER BY theme_order;
