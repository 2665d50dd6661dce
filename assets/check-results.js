/*
 * Charts for a check's results page: a timeline of answers and a world map coloured by result.
 *
 * Progressive enhancement only: the page's tables carry every number, and nothing here is
 * needed to read them. Reads the data island <script type="application/json" id="check-data">
 * and draws into <canvas id="check-timeline"> and <canvas id="check-map"> when they exist.
 * Every word the charts show comes from the page, in its language: the data-label-* attributes
 * of <div id="check-charts">, which also names the reader's time zone (data-time-zone).
 * Needs, loaded before it: chart.umd.min.js, then chartjs-chart-geo.min.js (for the map only).
 * Works under Content-Security-Policy "default-src 'self'": no inline code, no eval, and the map's
 * TopoJSON is fetched from countries-110m.json next to this script.
 */
(function () {
  'use strict';

  // The URL of the world map, beside this script (document.currentScript only exists now).
  var scriptSource = document.currentScript && document.currentScript.src;
  var topologyUrl = scriptSource ? new URL('countries-110m.json', scriptSource).href : '/assets/countries-110m.json';

  // Okabe-Ito colours, told apart with the common colour-vision deficiencies.
  var resultColours = {
    answered: '#009e73', // bluish green
    late: '#e69f00', // amber
    no_answer: '#d55e00', // vermillion
    bounced: '#cc79a7', // reddish purple
    pending: '#999999', // grey
    not_targeted: '#e4e7eb' // light grey
  };
  var resultOrder = ['answered', 'late', 'no_answer', 'bounced', 'pending', 'not_targeted'];
  var deadlineColour = '#d55e00';
  var borderColour = '#ffffff';
  var hour = 3600 * 1000;

  var charts = { timeline: null, map: null };

  function isRtl() {
    var dir = document.dir || document.documentElement.getAttribute('dir') || '';
    return dir.toLowerCase() === 'rtl';
  }

  function readData() {
    var island = document.getElementById('check-data');
    if (!island) {
      throw new Error('no #check-data element');
    }
    var data = JSON.parse(island.textContent || '');
    if (!data || typeof data !== 'object') {
      throw new Error('#check-data is not a JSON object');
    }
    return data;
  }

  // The charts' words, translated by the page: data-label-on-time="…" and so on.
  function readLabels() {
    var holder = document.getElementById('check-charts');
    var set = (holder && holder.dataset) || {};
    return {
      on_time: set.labelOnTime,
      late: set.labelLate,
      deadline: set.labelDeadline,
      answers: set.labelAnswers,
      timeline_title: set.labelTimelineTitle,
      map_title: set.labelMapTitle,
      answered: set.labelAnswered,
      no_answer: set.labelNoAnswer,
      bounced: set.labelBounced,
      pending: set.labelPending,
      not_targeted: set.labelNotTargeted
    };
  }

  // The reader's IANA time zone, as the page shows its dates; the browser's when none is given.
  function readTimeZone() {
    var holder = document.getElementById('check-charts');
    var zone = holder && holder.dataset ? holder.dataset.timeZone : '';
    return zone || undefined;
  }

  function label(labels, key) {
    return labels && typeof labels[key] === 'string' ? labels[key] : '';
  }

  function markReady(canvas) {
    canvas.setAttribute('data-ready', 'true');
  }

  // No animations: steadier for people who prefer reduced motion, and for tests.
  function baseOptions() {
    return {
      responsive: true,
      animation: false,
      locale: document.documentElement.lang || undefined
    };
  }

  function timeFormatter(withDate, timeZone) {
    var options = withDate
      ? { dateStyle: 'medium', timeStyle: 'short' }
      : { weekday: 'short', hour: '2-digit', minute: '2-digit' };
    var zoned = {};
    Object.keys(options).forEach(function (key) {
      zoned[key] = options[key];
    });
    if (timeZone) {
      zoned.timeZone = timeZone;
    }
    var language = document.documentElement.lang || undefined;
    try {
      return new Intl.DateTimeFormat(language, zoned);
    } catch (error) {
      // An unknown zone or language: the browser's own.
      return new Intl.DateTimeFormat(undefined, options);
    }
  }

  // A step size in hours that gives at most about eight ticks.
  function hourStep(spanHours) {
    var steps = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168];
    for (var i = 0; i < steps.length; i += 1) {
      if (spanHours / steps[i] <= 8) {
        return steps[i];
      }
    }
    return Math.ceil(spanHours / 8 / 168) * 168;
  }

  function drawTimeline(canvas, data) {
    var Chart = window.Chart;
    if (!Chart) {
      throw new Error('Chart.js is not loaded');
    }
    var labels = data.labels;
    if (!Array.isArray(data.timeline)) {
      throw new Error('no timeline in #check-data');
    }
    var points = data.timeline
      .map(function (point) {
        return { at: Date.parse(point.at), answers: Number(point.answers) };
      })
      .filter(function (point) {
        return isFinite(point.at) && isFinite(point.answers);
      })
      .sort(function (a, b) {
        return a.at - b.at;
      });
    if (points.length === 0) {
      return null; // nothing answered yet: the page says so in words
    }
    var start = points[0].at;
    var deadline = Date.parse(data.deadline);
    var hasDeadline = isFinite(deadline);
    var toHours = function (time) {
      return (time - start) / hour;
    };

    // Cumulative answers as a stepped line: on time up to the deadline, late after it.
    var onTime = [];
    var late = [];
    points.forEach(function (point) {
      var xy = { x: toHours(point.at), y: point.answers };
      if (!hasDeadline || point.at <= deadline) {
        onTime.push(xy);
      } else {
        late.push(xy);
      }
    });
    if (hasDeadline && late.length > 0) {
      // Both lines meet at the deadline, so the step at the deadline is not lost.
      var atDeadline = onTime.length > 0 ? onTime[onTime.length - 1].y : 0;
      onTime.push({ x: toHours(deadline), y: atDeadline });
      late.unshift({ x: toHours(deadline), y: atDeadline });
    }
    var last = points[points.length - 1];
    var maxY = Math.max(1, last.answers, points.reduce(function (m, p) { return Math.max(m, p.answers); }, 0));
    var maxX = Math.max(toHours(last.at), hasDeadline ? toHours(deadline) : 0);
    var minX = Math.min(0, hasDeadline ? toHours(deadline) : 0);

    var datasets = [
      {
        label: label(labels, 'on_time'),
        data: onTime,
        stepped: 'before',
        borderColor: resultColours.answered,
        backgroundColor: resultColours.answered,
        borderWidth: 2,
        pointRadius: 2
      }
    ];
    if (late.length > 0) {
      datasets.push({
        label: label(labels, 'late'),
        data: late,
        stepped: 'before',
        borderColor: resultColours.late,
        backgroundColor: resultColours.late,
        borderWidth: 2,
        borderDash: [6, 3],
        pointRadius: 2,
        pointStyle: 'rectRot'
      });
    }
    var deadlineLabel = label(labels, 'deadline');
    if (hasDeadline) {
      // The deadline as a vertical line of two points.
      datasets.push({
        label: deadlineLabel || '',
        data: [{ x: toHours(deadline), y: 0 }, { x: toHours(deadline), y: maxY }],
        borderColor: deadlineColour,
        backgroundColor: deadlineColour,
        borderWidth: 1,
        borderDash: [2, 3],
        pointRadius: 0,
        pointHitRadius: 0,
        isDeadline: true
      });
    }

    var shortTime = timeFormatter(false, data.timeZone);
    var fullTime = timeFormatter(true, data.timeZone);
    var rtl = isRtl();
    var step = hourStep(Math.max(maxX - minX, 0.25));
    var options = baseOptions();
    options.parsing = false;
    options.interaction = { mode: 'nearest', intersect: false, axis: 'x' };
    options.scales = {
      x: {
        type: 'linear',
        reverse: rtl,
        min: minX,
        max: maxX + (maxX - minX) * 0.02, // room for the last point
        ticks: {
          stepSize: step,
          includeBounds: false,
          maxRotation: 0,
          callback: function (value) {
            return shortTime.format(new Date(start + value * hour));
          }
        }
      },
      y: {
        type: 'linear',
        position: rtl ? 'right' : 'left',
        beginAtZero: true,
        suggestedMax: maxY,
        grace: '5%',
        ticks: { precision: 0 },
        title: { display: true, text: label(labels, 'answers') }
      }
    };
    options.plugins = {
      title: { display: true, text: label(labels, 'timeline_title') },
      legend: {
        rtl: rtl,
        labels: {
          filter: function (item, chartData) {
            var dataset = chartData.datasets[item.datasetIndex];
            return !(dataset.isDeadline && !deadlineLabel);
          }
        }
      },
      tooltip: {
        rtl: rtl,
        filter: function (item) {
          return !item.dataset.isDeadline;
        },
        callbacks: {
          title: function (items) {
            return items.length > 0 ? fullTime.format(new Date(start + items[0].parsed.x * hour)) : '';
          }
        }
      }
    };
    var chart = new Chart(canvas, { type: 'line', data: { datasets: datasets }, options: options });
    markReady(canvas);
    return chart;
  }

  function normaliseNumeric(code) {
    if (code === null || code === undefined || code === '') {
      return null;
    }
    var number = parseInt(String(code), 10);
    return isFinite(number) ? String(number) : null;
  }

  function drawMap(canvas, data, topology) {
    var Chart = window.Chart;
    var ChartGeo = window.ChartGeo;
    if (!Chart || !ChartGeo) {
      throw new Error('Chart.js or chartjs-chart-geo is not loaded');
    }
    if (!topology || !topology.objects || !topology.objects.countries) {
      throw new Error('the world map has no countries');
    }
    var labels = data.labels;
    var byNumeric = {};
    var byName = {};
    (Array.isArray(data.states) ? data.states : []).forEach(function (state) {
      var numeric = normaliseNumeric(state.numeric);
      if (numeric) {
        byNumeric[numeric] = state;
      }
      // The map names its features in English: states match by their English name.
      var englishName = state.english_name || state.name;
      if (englishName) {
        byName[String(englishName).toLowerCase()] = state;
      }
    });
    var features = ChartGeo.topojson.feature(topology, topology.objects.countries).features.filter(function (feature) {
      return feature.id !== '010'; // Antarctica
    });
    var resultLabel = {
      answered: label(labels, 'answered'),
      late: label(labels, 'late'),
      no_answer: label(labels, 'no_answer'),
      bounced: label(labels, 'bounced'),
      pending: label(labels, 'pending'),
      not_targeted: label(labels, 'not_targeted')
    };
    var rows = features.map(function (feature) {
      var numeric = normaliseNumeric(feature.id);
      var name = feature.properties && feature.properties.name;
      // Features without an ISO numeric code (Kosovo, for one) match by name.
      var state = numeric ? byNumeric[numeric] : name ? byName[String(name).toLowerCase()] : undefined;
      var result = state && resultColours[state.result] ? state.result : 'not_targeted';
      return {
        feature: feature,
        value: resultOrder.indexOf(result),
        result: result,
        name: state && state.name ? state.name : name || ''
      };
    });

    var rtl = isRtl();
    var options = baseOptions();
    options.showOutline = false;
    options.showGraticule = false;
    options.scales = {
      projection: { axis: 'x', projection: 'equalEarth' },
      color: { axis: 'x', display: false }
    };
    options.plugins = {
      title: { display: true, text: label(labels, 'map_title') },
      legend: {
        display: true,
        position: 'bottom',
        rtl: rtl,
        onClick: function () {},
        labels: {
          generateLabels: function () {
            return resultOrder.map(function (result) {
              return {
                text: resultLabel[result],
                fillStyle: resultColours[result],
                strokeStyle: '#6b7480',
                lineWidth: 1,
                hidden: false
              };
            });
          }
        }
      },
      tooltip: {
        rtl: rtl,
        callbacks: {
          title: function () {
            return '';
          },
          label: function (item) {
            var row = item.raw;
            return row.name + ': ' + resultLabel[row.result];
          }
        }
      }
    };
    var chart = new Chart(canvas, {
      type: 'choropleth',
      data: {
        labels: rows.map(function (row) { return row.name; }),
        datasets: [
          {
            label: label(labels, 'map_title'),
            outline: features,
            data: rows,
            backgroundColor: function (context) {
              var row = context.raw;
              return resultColours[row && row.result] || resultColours.not_targeted;
            },
            borderColor: borderColour,
            borderWidth: 0.5,
            hoverBorderColor: '#1b1f24',
            hoverBorderWidth: 1.5
          }
        ]
      },
      options: options
    });
    markReady(canvas);
    return chart;
  }

  function loadTopology() {
    return fetch(topologyUrl, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error('could not load the world map: HTTP ' + response.status);
      }
      return response.json();
    });
  }

  function report(what, error) {
    // eslint-disable-next-line no-console
    console.error('check-results: no ' + what + ' chart:', error && error.message ? error.message : error);
  }

  function start() {
    window.liaisonCharts = charts;
    var timelineCanvas = document.getElementById('check-timeline');
    var mapCanvas = document.getElementById('check-map');
    if (!timelineCanvas && !mapCanvas) {
      return;
    }
    var data;
    try {
      data = readData();
      data.labels = readLabels();
      data.timeZone = readTimeZone();
    } catch (error) {
      report('', error);
      return;
    }
    if (timelineCanvas) {
      try {
        charts.timeline = drawTimeline(timelineCanvas, data);
      } catch (error) {
        report('timeline', error);
      }
    }
    if (mapCanvas) {
      loadTopology()
        .then(function (topology) {
          charts.map = drawMap(mapCanvas, data, topology);
        })
        .catch(function (error) {
          report('map', error);
        });
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
