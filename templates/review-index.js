{#- Every question the review page schedules, without answers (render.review_index). -#}
window.studysiteReviewIndex = {{ review_index(site) | tojson }};
